using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Marketplace.Client.Tests.Contract;

public class ListExtensionInstancesTests : IClassFixture<TestApi.Recorded>
{
    private readonly TestApi.Recorded _api;

    public ListExtensionInstancesTests(TestApi.Recorded api) => _api = api;

    [Fact]
    public async Task Keeps_the_platform_metadata_and_the_extension_meta_apart()
    {
        var page = await _api.Client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(3, page.Metadata!.Pagination!.Total);
        Assert.Equal(new[] { "audit.disconnected" }, page.Metadata.Omitted);
        var running = page.Data!.Single(i => i.Id == "INS-6587-4477-5207-8032");
        Assert.Equal(new[] { "audit.disconnected" }, running.Metadata!.Omitted);
        Assert.Equal("4.2.1", running.Meta!.Version);
        Assert.Equal(InstanceStatus.Running, running.Status);
        Assert.Equal(typeof(ExtensionRef), running.Extension!.GetType());
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 26, 53, 123, TimeSpan.Zero), running.Audit!.Created!.At);
    }

    [Fact]
    public async Task Sends_the_extension_id_in_the_path_and_paging_in_the_query()
    {
        await _api.Client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 50, offset: 100);

        var request = _api.WireMock.LogEntries.Select(e => e.RequestMessage!).Last(r => r.Path.EndsWith("/instances", StringComparison.Ordinal));
        Assert.Equal("/public/v1/integration/extensions/EXT-6822-9898-4256/instances", request.Path);
        Assert.Equal("50", request.Query!["limit"]!.Single());
        Assert.Equal("100", request.Query["offset"]!.Single());
        Assert.Equal("GET", request.Method);
    }
}
