using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Cli;
using Xunit;

namespace Marketplace.Client.Tests.Contract;

/// <summary>A recorded session of several pages plays back through ListAll…Async unchanged.</summary>
public class RecordedSessionTests : IClassFixture<TestApi.Recorded>
{
    private readonly TestApi.Recorded _api;

    public RecordedSessionTests(TestApi.Recorded api) => _api = api;

    [Fact]
    public async Task Three_recorded_pages_play_back_as_one_enumeration()
    {
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = _api.BaseUri,
            Token = "idt:TKN-1234-5678:session",
            PageSize = 2,
        });

        var ids = new List<string>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync("EXT-1000-2000-3000")) ids.Add(instance.Id!);

        var recorded = Enumerable.Range(1, 3)
            .SelectMany(p => Recording.Named($"ListExtensionInstances/paged-{p}-of-3").Body["data"]!.Select(i => (string)i["id"]!))
            .ToList();
        Assert.Equal(recorded, ids);
        Assert.Equal(5, ids.Count);
        foreach (var p in Enumerable.Range(1, 3)) LoadedRecordings.Mark(Recording.Named($"ListExtensionInstances/paged-{p}-of-3"));
    }
}
