using Marketplace.Client;
using Marketplace.Client.Query;

namespace Contoso.Operations;

/// <summary>The consumer's own code: how many of an extension's instances are running.</summary>
public sealed class RunningInstances(IMarketplaceClient marketplace)
{
    /// <summary>The number of running instances, or null when the platform does not know the extension.</summary>
    public async Task<int?> CountAsync(string extensionId, CancellationToken cancellationToken = default)
    {
        var running = RqlQuery.Where(Rql.Eq(InstanceFields.Status, InstanceStatus.Running.ToString()));
        try
        {
            var count = 0;
            await foreach (var instance in marketplace.ListAllExtensionInstancesAsync(extensionId, running, cancellationToken))
            {
                if (instance.Metadata?.Deleted != true) count++;
            }
            return count;
        }
        catch (MarketplaceApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }
}
