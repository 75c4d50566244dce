using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Marketplace.Client.Serialization;
using Marketplace.Client.Testing;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// Marketplace.Client.Testing's server against the platform's rules (../shared/API-FACTS.md: the list envelope, limit at
/// most 100, limit=0 counts, the streaming contract, problem details), driven by the real client and by raw HTTP.
/// </summary>
public sealed class MarketplaceTestServerTests : IAsyncLifetime
{
    private MarketplaceTestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = MarketplaceTestServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    private HttpClient Raw(bool authorized = true)
    {
        var http = new HttpClient { BaseAddress = _server.BaseUri };
        if (authorized) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1111-1111:raw");
        return http;
    }

    [Fact]
    public async Task A_seeded_collection_is_paged_in_pages_of_100_with_the_total_and_read_back_as_seeded()
    {
        var seeded = TestApi.Instances(250);
        _server.AddExtensionInstances(TestApi.ExtensionId, seeded.Take(120)).AddExtensionInstances(TestApi.ExtensionId, seeded.Skip(120));
        using var client = _server.CreateClient();

        var read = await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(seeded.Select(i => MarketplaceJson.Serialize(i)), read.Select(i => MarketplaceJson.Serialize(i)));
        Assert.Equal(InstanceStatusKind.Unknown, read[1].Status?.Kind);
        var pages = _server.Requests.Where(r => r.Path == TestApi.InstancesPath).ToList();
        Assert.Equal(new[] { (0, 100, 200), (100, 100, 200), (200, 100, 200) }, pages.Select(r => (r.Offset ?? -1, r.Limit ?? -1, r.StatusCode ?? -1)).OrderBy(p => p.Item1));
        Assert.Equal(250, await client.ListAllExtensionInstancesAsync(TestApi.ExtensionId).GetTotalCountAsync());
        Assert.Equal(0, _server.Requests.Last().Limit);
    }

    [Fact]
    public async Task Pages_follow_the_platforms_rules_for_limit_offset_and_counts()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(150));
        using var http = Raw();

        async Task<JObject> GetAsync(string query) => JObject.Parse(await http.GetStringAsync(TestApi.InstancesPath.TrimStart('/') + query));

        var capped = await GetAsync("?limit=500&offset=30");
        Assert.Equal(new JObject { ["offset"] = 30, ["limit"] = 100, ["total"] = 150 }.ToString(), capped["$meta"]!["pagination"]!.ToString());
        Assert.Equal(100, ((JArray)capped["data"]!).Count);
        Assert.Equal("INS-6587-4477-5207-0030", (string?)capped["data"]![0]!["id"]);
        var defaulted = await GetAsync("");
        Assert.Equal(MarketplaceTestServer.DefaultPageSize, ((JArray)defaulted["data"]!).Count);
        var count = await GetAsync("?limit=0");
        Assert.Empty((JArray)count["data"]!);
        Assert.Equal(150, (int?)count["$meta"]!["pagination"]!["total"]);
        var past = await GetAsync("?limit=100&offset=400");
        Assert.Empty((JArray)past["data"]!);

        using var invalid = await http.GetAsync(TestApi.InstancesPath.TrimStart('/') + "?limit=ten");
        Assert.Equal(400, (int)invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        Assert.Contains("limit must be a whole number", (string?)JObject.Parse(await invalid.Content.ReadAsStringAsync())["detail"], StringComparison.Ordinal);
        using var negative = await http.GetAsync(TestApi.InstancesPath.TrimStart('/') + "?offset=-1");
        Assert.Equal(400, (int)negative.StatusCode);
        using var anonymous = Raw(authorized: false);
        using var unauthorized = await anonymous.GetAsync(TestApi.InstancesPath.TrimStart('/'));
        Assert.Equal(401, (int)unauthorized.StatusCode);
    }

    [Fact]
    public async Task What_nothing_answers_is_a_404_with_problem_details_that_the_client_reports()
    {
        using var client = _server.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListInstallationsAsync("EXT-0000-0000-0000"));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("Nothing is seeded or recorded for GET /public/v1/integration/extensions/EXT-0000-0000-0000/installations", error.Detail, StringComparison.Ordinal);
        Assert.NotNull(error.TraceId);
    }

    [Fact]
    public async Task A_seeded_collection_streams_under_the_platforms_contract_with_the_same_items_as_paging()
    {
        var seeded = TestApi.Instances(230);
        _server.AddExtensionInstances(TestApi.ExtensionId, seeded);
        using var client = _server.CreateClient();
        var progress = new List<MarketplaceStreamProgress>();

        var streamed = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, options: new MarketplaceStreamOptions { Progress = new Progress(progress) }));
        var part = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, options: new MarketplaceStreamOptions { Offset = 200, Limit = 20 }));
        var paged = await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(paged.Select(i => MarketplaceJson.Serialize(i)), streamed.Select(i => MarketplaceJson.Serialize(i)));
        Assert.Equal(seeded.Skip(200).Take(20).Select(i => i.Id), part.Select(i => i.Id));
        Assert.Equal((230L, 230L), (progress.Last().Declared, progress.Last().Received));
        var stream = _server.Requests.First();
        Assert.True(stream.IsStreaming);
        Assert.Null(stream.Limit);

        using var http = Raw();
        using var request = new HttpRequestMessage(HttpMethod.Get, TestApi.InstancesPath.TrimStart('/'));
        request.Headers.TryAddWithoutValidation("MPT-Streaming", "true");
        request.Headers.Accept.ParseAdd("application/json");
        using var refused = await http.SendAsync(request);
        Assert.Equal(406, (int)refused.StatusCode);
    }

    private sealed class Progress(List<MarketplaceStreamProgress> seen) : IProgress<MarketplaceStreamProgress>
    {
        public void Report(MarketplaceStreamProgress value) => seen.Add(value);
    }

    [Fact]
    public async Task A_queued_503_fails_exactly_one_request_and_the_client_retries_it()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(450));
        _server.FailNext(503);
        using var client = _server.CreateClient();

        var read = await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(450, read.Count);
        var statuses = _server.Requests.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == 503));
        Assert.Equal(503, statuses[0]);
        Assert.Equal(6, statuses.Count);
    }

    [Fact]
    public async Task A_queued_429_with_retry_after_is_waited_for_and_a_404_is_not_retried()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(3));
        _server.FailNext(429, retryAfter: TimeSpan.FromSeconds(1)).FailNext(404);
        using var client = _server.CreateClient();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not sent or not honoured ({clock.Elapsed}).");
        Assert.Equal(404, error.StatusCode);
        Assert.Equal(new int?[] { 429, 404 }, _server.Requests.Select(r => r.StatusCode));
        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100);
        Assert.Equal(3, page.Data!.Count);
    }

    [Fact]
    public async Task A_cut_off_body_breaks_the_connection_short_of_its_length_and_the_client_retries_it()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(40));
        _server.CutOffNext();
        using var client = _server.CreateClient();

        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100);

        Assert.Equal(40, page.Data!.Count);
        Assert.Equal(new int?[] { 200, 200 }, _server.Requests.Select(r => r.StatusCode));

        // What the client's retry hid: the status and headers arrive, then the body ends short of its Content-Length.
        _server.CutOffNext();
        using var raw = Raw();
        using var response = await raw.GetAsync(TestApi.InstancesPath.TrimStart('/') + "?limit=100", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            try
            {
                await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException e) when (e.InnerException is IOException inner)
            {
                throw inner;
            }
        });
    }

    [Fact]
    public async Task A_body_that_keeps_being_cut_off_surfaces_after_the_retries()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(40));
        for (var i = 0; i < 3; i++) _server.CutOffNext();
        using var client = _server.CreateClient(o => o.Retry.MaxAttempts = 3);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(40, (await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100)).Data!.Count);
    }

    // What GarbleNext's documentation says is what arrives: each distinct byte of the first half once, then random bytes
    // not among them; so a JSON body (full of repeated bytes) does not even keep its first half.
    [Fact]
    public async Task A_garbled_body_is_the_distinct_bytes_of_its_first_half_then_bytes_not_among_them()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(40));
        using var http = new System.Net.Http.HttpClient { BaseAddress = _server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestApi.Token);
        var path = TestApi.InstancesPath.TrimStart('/') + "?limit=100";
        var whole = await http.GetByteArrayAsync(path);

        _server.GarbleNext();
        var garbled = await http.GetByteArrayAsync(path);

        var firstHalf = whole.Take(whole.Length / 2).Distinct().ToArray();
        Assert.Equal(firstHalf, garbled.Take(firstHalf.Length));
        Assert.Equal(garbled.Length, garbled.Distinct().Count());
        Assert.True(garbled.Length < whole.Length / 2, $"{garbled.Length} bytes of {whole.Length}");
    }

    [Fact]
    public async Task A_garbled_body_is_an_api_exception_with_the_parse_error_and_the_next_request_is_served()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(40));
        _server.GarbleNext();
        using var client = _server.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100));

        Assert.Equal(200, error.StatusCode);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
        Assert.Equal(40, (await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100)).Data!.Count);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task A_delayed_request_outlasts_the_attempt_timeout_once_and_the_retry_succeeds()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(5));
        _server.DelayNext(TimeSpan.FromSeconds(3));
        using var strict = _server.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
            o.Retry.Enabled = false;
        });

        await Assert.ThrowsAsync<TimeoutException>(() => strict.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100));

        _server.DelayNext(TimeSpan.FromSeconds(3));
        using var patient = _server.CreateClient(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var page = await patient.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100);
        Assert.Equal(5, page.Data!.Count);
    }

    // A held request is awaited, not blocked on: 40 requests held 2 s at once take about 2 s. Blocking a thread per held
    // request (as WaitOne in the matcher did) starves the thread pool of the process under test, which then adds a thread
    // or two a second: the same 40 took 18 s.
    [Fact]
    public async Task Held_requests_hold_no_threads_of_the_process_under_test()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(5));
        const int Held = 40;
        for (var i = 0; i < Held; i++) _server.DelayNext(TimeSpan.FromSeconds(2));
        using var client = _server.CreateClient(o => o.Retry.Enabled = false);
        var clock = Stopwatch.StartNew();

        var pages = await Task.WhenAll(Enumerable.Range(0, Held).Select(_ => client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100)));

        Assert.All(pages, page => Assert.Equal(5, page.Data!.Count));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"{Held} requests held 2 s each took {clock.Elapsed}");
        Assert.All(_server.Requests, r => Assert.DoesNotContain(r.Headers.Keys, k => k.StartsWith("X-Marketplace-Test-Server", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_delayed_request_holds_only_itself()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(5));
        _server.DelayNext(TimeSpan.FromSeconds(4));
        using var client = _server.CreateClient(o => o.Retry.Enabled = false);

        var held = client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 100);
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();
        var other = await client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 1);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"a request behind the delayed one waited {clock.Elapsed}");
        Assert.Single(other.Data!);
        Assert.False(held.IsCompleted);
        Assert.Equal(5, (await held).Data!.Count);
    }

    [Fact]
    public async Task Recorded_sessions_play_back_and_seeded_collections_take_precedence()
    {
        _server.LoadRecordings(Path.Combine(AppContext.BaseDirectory, "Recordings", "ListInstallations"));
        using var client = _server.CreateClient();

        var recorded = await client.ListInstallationsAsync(TestApi.ExtensionId, limit: 100, offset: 0);
        Assert.NotEmpty(recorded.Data!);

        _server.AddInstallations(TestApi.ExtensionId, new[] { new Installation { Id = "EXI-0000-0000-0001" } });
        var seeded = await client.ListInstallationsAsync(TestApi.ExtensionId, limit: 100, offset: 0);
        Assert.Equal("EXI-0000-0000-0001", Assert.Single(seeded.Data!).Id);

        Assert.Throws<FileNotFoundException>(() => _server.LoadRecordings(Path.Combine(AppContext.BaseDirectory, "no-such-folder")));
    }

    [Fact]
    public async Task Requests_show_the_query_as_the_platform_reads_it_and_never_the_token()
    {
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(2));
        using var client = _server.CreateClient();
        var query = RqlQuery.Where(Rql.And(Rql.Eq(InstanceFields.Name, "O'Brien & co + 50% #1"), Rql.Eq(InstanceFields.Status, "Running")))
            .OrderByDescending(InstanceFields.Audit.Created.At).Select("+" + InstanceFields.Audit);

        await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(TestApi.InstancesPath, request.Path);
        Assert.Equal("and(eq(name,\"O'Brien & co + 50% #1\"),eq(status,\"Running\"))", request.Filter);
        Assert.Equal("-audit.created.at", request.Order);
        Assert.Equal("+audit", request.Select);
        Assert.Equal((100, 0), (request.Limit, request.Offset));
        Assert.Equal(new[] { "Bearer ***" }, request.Headers["Authorization"]);
        var everything = string.Join("\n", request.Headers.SelectMany(h => h.Value.Select(v => h.Key + ": " + v))) + request + request.Query;
        Assert.DoesNotContain(MarketplaceTestServer.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("marketplace-test-server", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_refuses_what_the_client_could_never_ask_for_and_reset_forgets_everything()
    {
        Assert.Throws<ArgumentException>(() => _server.AddExtensionInstances("..", TestApi.Instances(1)));
        Assert.Throws<ArgumentException>(() => _server.AddExtensionInstances(" ", TestApi.Instances(1)));
        Assert.Throws<ArgumentNullException>(() => _server.AddExtensionInstances(TestApi.ExtensionId, null!));
        Assert.Throws<ArgumentNullException>(() => _server.AddExtensionInstances(TestApi.ExtensionId, new Instance[] { null! }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _server.FailNext(200));
        Assert.Throws<ArgumentOutOfRangeException>(() => _server.DelayNext(TimeSpan.FromMinutes(6)));

        _server.AddExtensionInstances("EXT 1/2", TestApi.Instances(1)).FailNext(500);
        using var client = _server.CreateClient(o => o.Retry.Enabled = false);
        _server.Reset();

        var page = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync("EXT 1/2", limit: 10));
        Assert.Equal(404, page.StatusCode);
        _server.AddExtensionInstances("EXT 1/2", TestApi.Instances(1));
        Assert.Single((await client.ListExtensionInstancesAsync("EXT 1/2", limit: 10)).Data!);
    }

    [Fact]
    public async Task A_disposed_server_refuses_use_and_releases_a_held_request()
    {
        var server = MarketplaceTestServer.Start();
        server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(1)).DelayNext(TimeSpan.FromMinutes(4));
        using var client = server.CreateClient(o => o.Retry.Enabled = false);
        var held = client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 10);
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();

        await server.DisposeAsync();

        // Answered at once as the server stops, or failed by the stop: either way not held for the 4 minutes.
        await Task.WhenAny(held);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"disposing did not end the held request ({clock.Elapsed})");
        Assert.Throws<ObjectDisposedException>(() => server.CreateClient());
        server.Dispose();
    }
}
