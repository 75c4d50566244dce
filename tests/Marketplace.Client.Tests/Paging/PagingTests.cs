using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Newtonsoft.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Paging;

/// <summary>ListAll…Async walks limit/offset pages lazily and never loops forever.</summary>
public class PagingTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private void ServePage(string path, int offset, string body, int limit = 100)
    {
        _api.WireMock.Given(Request.Create().WithPath(path).UsingGet().WithParam("offset", offset.ToString()).WithParam("limit", limit.ToString()))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    private static async Task<int> CountAsync<T>(IAsyncEnumerable<T> items)
    {
        var count = 0;
        await foreach (var _ in items) count++;
        return count;
    }

    private List<string> Offsets(string path) => _api.WireMock.LogEntries
        .Select(e => e.RequestMessage!)
        .Where(r => r.Path == path)
        .Select(r => r.Query!["offset"].Single())
        .ToList();

    [Fact]
    public async Task Three_pages_with_a_total_are_fetched_at_offsets_0_100_200()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 250));
        ServePage(TestApi.InstancesPath, 100, TestApi.Page(100, 100, 250));
        ServePage(TestApi.InstancesPath, 200, TestApi.Page(200, 50, 250));
        using var client = _api.CreateClient();

        var ids = new List<string>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) ids.Add(instance.Id!);

        Assert.Equal(250, ids.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => "INS-6587-4477-5207-" + i.ToString("0000")), ids);
        Assert.Equal(new[] { "0", "100", "200" }, Offsets(TestApi.InstancesPath).OrderBy(o => int.Parse(o)));
    }

    [Fact]
    public async Task Without_a_total_the_first_short_page_is_the_last()
    {
        ServePage(TestApi.InstallationsPath, 0, TestApi.Page(0, 100, null, idPrefix: "EXI-9262-9354-"));
        ServePage(TestApi.InstallationsPath, 100, TestApi.Page(100, 37, null, idPrefix: "EXI-9262-9354-"));
        using var client = _api.CreateClient();

        var count = await CountAsync(client.ListAllInstallationsAsync(TestApi.ExtensionId));

        Assert.Equal(137, count);
        Assert.Equal(new[] { "0", "100" }, Offsets(TestApi.InstallationsPath));
    }

    [Fact]
    public async Task An_empty_page_ends_the_enumeration_even_when_the_total_says_more()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 1000));
        ServePage(TestApi.InstancesPath, 100, TestApi.Page(100, 0, 1000));
        using var client = _api.CreateClient();

        var count = await CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(100, count);
    }

    [Fact]
    public async Task A_server_that_ignores_the_offset_ends_with_an_exception_not_a_hang()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 100, null).Replace("\"offset\":0,", "", StringComparison.Ordinal));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("the page at offset 100 starts with the same item (INS-6587-4477-5207-0000)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "0", "100" }, Offsets(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_server_that_echoes_another_offset_ends_with_an_exception()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 100, 500));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("asked for offset 100, the server answered with offset 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_items_than_the_total_promised_ends_with_an_exception()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 150));
        ServePage(TestApi.InstancesPath, 100, TestApi.Page(100, 100, 150));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("holds 100 items, more than the total of 150 allows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_fetched_before_enumeration_and_nothing_after_a_break()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 250));
        using var client = _api.CreateClient(o => o.PrefetchPages = 1);

        var pageable = client.ListAllExtensionInstancesAsync(TestApi.ExtensionId);
        Assert.Empty(_api.WireMock.LogEntries);

        await foreach (var _ in pageable) break;

        Assert.Equal(new[] { "0" }, Offsets(TestApi.InstancesPath));
    }

    [Fact]
    public async Task Pages_carry_their_metadata()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 150));
        ServePage(TestApi.InstancesPath, 100, TestApi.Page(100, 50, 150));
        using var client = _api.CreateClient();

        var pages = new List<MarketplacePage<Instance>>();
        await foreach (var page in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId).AsPages()) pages.Add(page);

        Assert.Equal(new[] { (0, 100, 150), (100, 50, 150) }, pages.Select(p => (p.Offset, p.Items.Count, p.Total!.Value)));
        Assert.All(pages, p => Assert.Equal(new[] { "audit" }, p.Omitted));
    }

    [Fact]
    public async Task The_total_is_counted_with_limit_0()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 0, 4242, limit: 0), limit: 0);
        using var client = _api.CreateClient();

        var total = await client.ListAllExtensionInstancesAsync(TestApi.ExtensionId).GetTotalCountAsync();

        Assert.Equal(4242, total);
        Assert.Equal("0", _api.WireMock.LogEntries.Single().RequestMessage!.Query!["limit"].Single());
    }

    [Fact]
    public async Task The_page_size_is_configurable()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 25, 40, limit: 25), limit: 25);
        ServePage(TestApi.InstancesPath, 25, TestApi.Page(25, 15, 40, limit: 25), limit: 25);
        using var client = _api.CreateClient(o => o.PageSize = 25);

        var count = await CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(40, count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarketplaceClientOptions { PageSize = 101 });
    }

    [Fact]
    public async Task A_server_that_echoes_the_offset_but_repeats_a_full_page_of_items_without_id_is_stopped()
    {
        // select=-id, no total, the offset echoed, and the same 100 items every time.
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).RespondWith(Response.Create().WithCallback(request =>
        {
            var offset = int.Parse(request.Query!["offset"].Single(), System.Globalization.CultureInfo.InvariantCulture);
            var body = JsonConvert.SerializeObject(new
            {
                _meta = new { pagination = new { offset, limit = 100 } },
                data = Enumerable.Range(0, 100).Select(i => new { name = "instance " + i, status = "Running" }),
            }).Replace("\"_meta\"", "\"$meta\"", StringComparison.Ordinal);
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, RqlQuery.All.Select("-id"))));

        Assert.Contains("holds exactly the items of the page before it", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_collection_without_a_total_stops_at_the_documented_bound()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).RespondWith(Response.Create().WithCallback(request =>
        {
            var offset = int.Parse(request.Query!["offset"].Single(), System.Globalization.CultureInfo.InvariantCulture);
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                BodyData = new WireMock.Util.BodyData { BodyAsString = TestApi.Page(offset, 100, total: null), DetectedBodyType = WireMock.Types.BodyType.String },
            };
        }));
        using var client = _api.CreateClient(o => o.MaxItemsWithoutTotal = 250);

        var seen = 0;
        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) seen++;
        });

        Assert.Equal(200, seen);
        Assert.Contains("MaxItemsWithoutTotal", error.Message, StringComparison.Ordinal);
        Assert.Equal(MarketplaceClientOptions.DefaultMaxItemsWithoutTotal, new MarketplaceClientOptions().MaxItemsWithoutTotal);
    }

    [Fact]
    public async Task The_query_goes_into_every_page_request()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 120));
        ServePage(TestApi.InstancesPath, 100, TestApi.Page(100, 20, 120));
        using var client = _api.CreateClient();
        var query = RqlQuery.Where(Rql.Eq("status", "Running")).OrderByDescending("audit.created.at").Select("+audit");

        await CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query));

        // The raw query, as sent: Url would show it through Uri.ToString(), which unescapes %22.
        var queries = _api.WireMock.LogEntries.Select(e => e.RequestMessage!.RawQuery).ToList();
        Assert.Equal(2, queries.Count);
        Assert.All(queries, query => Assert.EndsWith("&eq(status,%22Running%22)&order=-audit.created.at&select=%2Baudit", query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_single_page_call_takes_the_query_too_and_a_plain_call_does_not_inherit_it()
    {
        _api.Serve(TestApi.InstallationsPath, TestApi.Page(0, 1, 1, idPrefix: "EXI-9262-9354-"));
        using var client = _api.CreateClient();

        await client.ListInstallationsAsync(TestApi.ExtensionId, RqlQuery.Where(Rql.In("status", "Installed", "Invited")), limit: 10, offset: 0);
        await client.ListInstallationsAsync(TestApi.ExtensionId, limit: 10, offset: 0);

        var queries = _api.WireMock.LogEntries.Select(e => e.RequestMessage!.RawQuery).ToList();
        Assert.EndsWith("limit=10&offset=0&in(status,(%22Installed%22,%22Invited%22))", queries[0], StringComparison.Ordinal);
        Assert.EndsWith("limit=10&offset=0", queries[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_stops_the_enumeration()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 250));
        using var client = _api.CreateClient(o => o.PrefetchPages = 1);
        using var cancellation = new CancellationTokenSource();

        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId).WithCancellation(cancellation.Token))
            {
                seen++;
                cancellation.Cancel();
            }
        });

        Assert.Equal(1, seen);
        Assert.Equal(new[] { "0" }, Offsets(TestApi.InstancesPath));
    }

    [Fact]
    public async Task Prefetched_pages_come_out_in_server_order_even_when_a_later_one_answers_first()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 400));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithParam("offset", "100"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(TestApi.Page(100, 100, 400)).WithDelay(TimeSpan.FromMilliseconds(1500)));
        ServePage(TestApi.InstancesPath, 200, TestApi.Page(200, 100, 400));
        ServePage(TestApi.InstancesPath, 300, TestApi.Page(300, 100, 400));
        using var client = _api.CreateClient();

        var ids = new List<string>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) ids.Add(instance.Id!);

        Assert.Equal(Enumerable.Range(0, 400).Select(i => "INS-6587-4477-5207-" + i.ToString("0000")), ids);
        var answered = Offsets(TestApi.InstancesPath);
        Assert.Equal(new[] { "0", "100", "200", "300" }, answered.OrderBy(o => int.Parse(o)));
        Assert.Equal("100", answered.Last());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task No_more_pages_than_the_prefetch_allows_are_in_flight(int prefetch)
    {
        var inFlight = 0;
        var most = 0;
        var offsets = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var server = TestApi.Scripted(async (_, head) =>
        {
            var offset = int.Parse(System.Text.RegularExpressions.Regex.Match(head, @"[?&]offset=(\d+)").Groups[1].Value);
            offsets.Enqueue(offset);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(50);
            Interlocked.Decrement(ref inFlight);
            return TestApi.Http("200 OK", TestApi.Page(offset, Math.Min(10, 120 - offset), 120, limit: 10));
        });
        using var client = _api.CreateClient(o =>
        {
            o.BaseUri = server.BaseUri;
            o.PageSize = 10;
            o.PrefetchPages = prefetch;
        });

        var count = await CountAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(120, count);
        Assert.Equal(Enumerable.Range(0, 12).Select(p => p * 10), offsets.OrderBy(o => o));
        Assert.InRange(most, 1, prefetch);
        if (prefetch > 1) Assert.True(most > 1, "Pages were never fetched ahead.");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task Breaking_out_cancels_the_pages_in_flight_and_asks_for_no_more()
    {
        ServePage(TestApi.InstancesPath, 0, TestApi.Page(0, 100, 10_000));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithParam("offset", new WireMock.Matchers.WildcardMatcher("?*00")))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(TestApi.Page(100, 100, 10_000)).WithDelay(TimeSpan.FromSeconds(5)));
        using var client = _api.CreateClient();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) break;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"Breaking out waited for the pages in flight ({clock.Elapsed}).");
        await Task.Delay(200);
        Assert.InRange(Offsets(TestApi.InstancesPath).Count, 1, 1 + MarketplaceClientOptions.DefaultPrefetchPages);
    }

    [Fact]
    public void The_prefetch_is_bounded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarketplaceClientOptions { PrefetchPages = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarketplaceClientOptions { PrefetchPages = 17 });
    }
}
