using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Xunit;

namespace Marketplace.Client.Tests.Generation;

/// <summary>
/// The call shapes users write against the generated surface compile (this file is the test of that) and send what
/// they mean: on the class and on the interface, with and without a query, <c>null</c> for the query included.
/// </summary>
public sealed class CallShapesTests : IDisposable
{
    private const string Page = """{"$meta":{"pagination":{"offset":0,"limit":10,"total":1}},"data":[{"id":"INS-1"}]}""";
    private readonly TestApi _api = new();

    public CallShapesTests()
    {
        _api.Serve(TestApi.InstancesPath, Page);
        _api.Serve(TestApi.InstallationsPath, Page);
    }

    [Fact]
    public async Task Page_calls_compile_in_every_common_shape_and_send_what_they_mean()
    {
        using var client = _api.CreateClient();
        IMarketplaceClient contract = client;
        var query = RqlQuery.Where(Rql.Eq("status", "Running"));
        using var cancellation = new CancellationTokenSource();
        var ct = cancellation.Token;

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, null);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, null, 10, 0);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, 10, 0);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, 10, 0, ct);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 10);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: ct);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, query);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, query, 10, 0, ct);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId, query, limit: 10, cancellationToken: ct);
        await contract.ListInstallationsAsync(TestApi.ExtensionId, null);
        await contract.ListInstallationsAsync(TestApi.ExtensionId, 10, 0);
        await contract.ListInstallationsAsync(extensionId: TestApi.ExtensionId, query: query, limit: 10);

        var queries = _api.WireMock.LogEntries.Select(e => e.RequestMessage!.RawQuery ?? "").ToList();
        Assert.Equal(13, queries.Count);
        Assert.Equal(new[] { false, false, false, false, false, false, false, true, true, true, false, false, true },
            queries.Select(q => q.Contains("eq(status,%22Running%22)", StringComparison.Ordinal)));
        Assert.Equal(new[] { "", "", "?limit=10&offset=0", "?limit=10&offset=0", "?limit=10&offset=0", "?limit=10" },
            queries.Take(6));
    }

    [Fact]
    public async Task List_all_calls_compile_in_every_common_shape()
    {
        using var client = _api.CreateClient();
        IMarketplaceClient contract = client;
        using var cancellation = new CancellationTokenSource();

        Assert.Single(await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)));
        Assert.Single(await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, null)));
        Assert.Single(await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, null, cancellation.Token)));
        Assert.Single(await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: cancellation.Token)));
        Assert.Single(await ToListAsync(contract.ListAllInstallationsAsync(TestApi.ExtensionId, RqlQuery.Where(Rql.Eq("status", "Installed")))));
        Assert.Throws<ArgumentNullException>(() => client.ListAllInstallationsAsync(null!));
    }

    private static async Task<System.Collections.Generic.List<T>> ToListAsync<T>(System.Collections.Generic.IAsyncEnumerable<T> items)
    {
        var list = new System.Collections.Generic.List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    public void Dispose() => _api.Dispose();
}
