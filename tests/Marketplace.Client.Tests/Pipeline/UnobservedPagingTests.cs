using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Marketplace.Client.Tests.Diagnostics;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// Paging goes through the enumeration's tracing layer only when someone listens (an ActivityListener on the client's
/// source, or a MeterListener on its list metrics): otherwise its pages go straight from the page calls to the caller.
/// In the telemetry collection, so that no other test's listener is active meanwhile.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class UnobservedPagingTests
{
    private static async Task<System.Collections.Generic.List<string>> FramesOfAListingAsync()
    {
        StackTrace? atTransport = null;
        var transport = new FakeInner((_, _, _) =>
        {
            atTransport ??= new StackTrace();
            return Task.FromResult(PipelineTests.Json());
        });
        using var client = new MarketplaceClient(PipelineTests.Options(transport));
        await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) { }
        return PipelineTests.LibraryFrames(atTransport!);
    }

    [Fact]
    public async Task A_listing_nobody_observes_skips_the_traced_enumeration_and_one_that_is_observed_goes_through_it()
    {
        var unobserved = await FramesOfAListingAsync();
        Assert.DoesNotContain(unobserved, f => f.StartsWith("TracedEnumeration.", StringComparison.Ordinal));

        using var telemetry = new TelemetryCapture();
        var observed = await FramesOfAListingAsync();
        Assert.Contains(observed, f => f.StartsWith("TracedEnumeration.", StringComparison.Ordinal));
    }
}
