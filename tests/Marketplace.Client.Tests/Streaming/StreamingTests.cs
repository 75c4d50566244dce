using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Newtonsoft.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Streaming;

/// <summary>
/// StreamAll…Async against the platform's streaming contract (API-FACTS, "Streaming"): WireMock for whole responses,
/// the raw TCP server for bodies that trickle, stall or break.
/// </summary>
public sealed class StreamingTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private void Serve(string body, int? declared, string contentType = "application/jsonl", bool echo = true, int status = 200)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body);
        if (echo) response = response.WithHeader("MPT-Streaming", "true");
        if (declared is { } count) response = response.WithHeader("MPT-Item-Count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("MPT-Streaming", "true")).RespondWith(response);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    [Fact]
    public async Task A_stream_gives_the_same_items_as_paging_the_same_data_in_one_request()
    {
        Serve(TestApi.Lines(250), 250);
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("MPT-Streaming", "true", WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var offset = int.Parse(request.Query!["offset"].Single(), System.Globalization.CultureInfo.InvariantCulture);
                var items = Enumerable.Range(offset, Math.Min(100, 250 - offset)).Select(i => TestApi.Record(i));
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = $"{{\"$meta\":{{\"pagination\":{{\"offset\":{offset},\"limit\":100,\"total\":250}}}},\"data\":[{string.Join(",", items)}]}}",
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                };
            }));
        using var client = _api.CreateClient();
        var query = RqlQuery.Where(Rql.Eq("status", "Running")).Select("+audit");

        var streamed = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, query));
        var paged = await ToListAsync(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query));

        Assert.Equal(paged.Select(i => Marketplace.Client.Serialization.MarketplaceJson.Serialize(i)), streamed.Select(i => Marketplace.Client.Serialization.MarketplaceJson.Serialize(i)));
        Assert.Equal(250, streamed.Count);
        var streamRequest = _api.WireMock.LogEntries.First().RequestMessage!;
        Assert.Equal("application/jsonl", streamRequest.Headers!["Accept"].Single());
        Assert.Equal("true", streamRequest.Headers["MPT-Streaming"].Single());
        Assert.Equal("?eq(status,%22Running%22)&select=%2Baudit", streamRequest.RawQuery);
        Assert.Equal(4, _api.WireMock.LogEntries.Count); // one stream, three pages
    }

    [Fact]
    public async Task Limit_and_offset_are_passed_through_and_progress_is_reported()
    {
        Serve(TestApi.Lines(150), 150);
        using var client = _api.CreateClient();
        var reports = new List<MarketplaceStreamProgress>();

        var items = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, options: new MarketplaceStreamOptions
        {
            Limit = 150,
            Offset = 20,
            Progress = new SynchronousProgress(reports.Add),
        }));

        Assert.Equal(150, items.Count);
        Assert.Equal("?limit=150&offset=20", _api.WireMock.LogEntries.Single().RequestMessage!.RawQuery);
        Assert.Equal(new[] { new MarketplaceStreamProgress(150, 100), new MarketplaceStreamProgress(150, 150) }, reports);
        Assert.True(reports[^1].IsComplete);
    }

    [Fact]
    public async Task Keep_alive_lines_are_skipped_and_unknown_fields_and_values_are_kept()
    {
        Serve(" \n" + TestApi.Record(0) + "\n\t\r\n" + """{"id":"INS-1","status":"Suspended","tier":"gold"}""" + "\n  \n", 2);
        using var client = _api.CreateClient();

        var items = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(2, items.Count);
        Assert.Equal(InstanceStatusKind.Unknown, items[1].Status!.Value.Kind);
        Assert.Equal("Suspended", items[1].Status.ToString());
        Assert.Contains("\"tier\":\"gold\"", Marketplace.Client.Serialization.MarketplaceJson.Serialize(items[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_deleted_after_the_snapshot_is_marked_and_can_be_skipped()
    {
        Serve(TestApi.Record(0) + "\n" + """{"id":"INS-0000-0000-0000-0001","$meta":{"deleted":true}}""" + "\n" + TestApi.Record(2) + "\n", 3);
        using var client = _api.CreateClient();

        var all = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId));
        var live = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, options: new MarketplaceStreamOptions { SkipDeleted = true }));

        Assert.Equal(new bool?[] { null, true, null }, all.Select(i => i.Metadata?.Deleted));
        Assert.Null(all[1].Name);
        Assert.Equal(new[] { "INS-0000-0000-0000-0000", "INS-0000-0000-0000-0002" }, live.Select(i => i.Id));
    }

    [Fact]
    public async Task A_server_that_did_not_stream_is_never_taken_for_the_whole_collection()
    {
        Serve("""{"$meta":{"pagination":{"offset":0,"limit":100,"total":250}},"data":[{"id":"INS-1"}]}""", null, contentType: "application/json", echo: false);
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("ListExtensionInstances (streaming): the server did not stream", error.Message, StringComparison.Ordinal);
        Assert.Contains("application/json", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 records were delivered", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("lots", "'lots'")]
    [InlineData("-3", "'-3'")]
    public async Task A_missing_or_non_numeric_item_count_is_refused(string? count, string shown)
    {
        var response = Response.Create().WithHeader("Content-Type", "application/jsonl").WithHeader("MPT-Streaming", "true").WithBody(TestApi.Lines(2));
        if (count is not null) response = response.WithHeader("MPT-Item-Count", count);
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).RespondWith(response);
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains($"MPT-Item-Count is {shown}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_ends_cleanly_short_of_its_count_is_a_truncated_export()
    {
        Serve(TestApi.Lines(2), 3);
        using var client = _api.CreateClient();
        var delivered = new List<Instance>();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var item in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) delivered.Add(item);
        });

        Assert.Equal(2, delivered.Count);
        Assert.Contains("ended cleanly after 2 of the 3 records it declared", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_with_more_records_than_declared_is_refused()
    {
        Serve(TestApi.Lines(3), 2);
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("more records than the 2 it declared", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 records were delivered of 2 declared", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\":\"INS-9\",", "not readable JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    [InlineData("{\"id\":\"A\"} {\"id\":\"B\"}", "not readable JSON")]
    public async Task A_malformed_line_ends_the_stream_saying_how_many_records_were_delivered(string line, string what)
    {
        Serve(TestApi.Lines(2) + line + "\n", 3);
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains($"record 3 of the stream is {what}", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 records were delivered of 3 declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_type_other_than_the_one_asked_for_is_refused()
    {
        Serve(TestApi.Lines(1), 1, contentType: "application/x-ndjson");
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Contains("Content-Type is 'application/x-ndjson', not the application/jsonl asked for", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(501, "cannot stream this collection: list it with ListAll…Async")]
    [InlineData(406, "does not accept application/jsonl")]
    [InlineData(413, "narrow the filter")]
    public async Task A_refused_stream_says_what_to_do_instead(int status, string advice)
    {
        Serve($$"""{"title":"Refused","status":{{status}},"detail":"No streaming here.","traceId":"00-77"}""", null, contentType: "application/problem+json", echo: false, status: status);
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal("No streaming here.", error.Detail);
        Assert.Equal("00-77", error.TraceId);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.Single(_api.WireMock.LogEntries);
    }

    [Fact]
    public async Task Opening_the_stream_is_retried_before_the_first_record()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("s").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("s").WhenStateIs("ok")
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/jsonl").WithHeader("MPT-Streaming", "true").WithHeader("MPT-Item-Count", "2").WithBody(TestApi.Lines(2)));
        using var client = _api.CreateClient();

        var items = await ToListAsync(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(2, items.Count);
        Assert.Equal(2, _api.WireMock.LogEntries.Count);
    }

    [Fact]
    public async Task A_connection_broken_mid_stream_surfaces_with_the_count_and_is_not_retried()
    {
        // The test kit cuts the body in half: in the third of five lines (two Running-or-Suspended records either side).
        _api.Server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(5)).CutOffNext();
        using var client = _api.CreateClient();
        var delivered = new List<Instance>();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var item in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) delivered.Add(item);
        });

        Assert.Equal(new[] { "INS-6587-4477-5207-0000", "INS-6587-4477-5207-0001" }, delivered.Select(i => i.Id));
        Assert.Contains("the connection broke in the middle of the stream", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 records were delivered of 5 declared", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_long_stream_that_keeps_delivering_is_not_cut_by_the_attempt_timeout()
    {
        using var server = TestApi.Scripted(async (_, _, stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 8\r\nConnection: close\r\n\r\n"), stop);
            for (var i = 0; i < 8; i++)
            {
                await Task.Delay(150, stop);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(TestApi.Record(i) + "\n"), stop);
                await stream.FlushAsync(stop);
            }
        });
        using var client = Client(server.BaseUri, attemptTimeout: TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var arrivals = new List<TimeSpan>();

        await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) arrivals.Add(clock.Elapsed);

        Assert.Equal(8, arrivals.Count); // 1.2 s of records, well past the 0.5 s attempt timeout
        // Handed out as they arrive, not held back for a batch or the end.
        Assert.True(arrivals[^1] - arrivals[0] > TimeSpan.FromMilliseconds(600), $"records came out together: {string.Join(", ", arrivals.Select(a => a.TotalMilliseconds.ToString("0")))} ms");
    }

    // Headers, one record of the three declared, then silence with the connection open (a half-dead proxy).
    private static TestApi.ScriptedServer Stalling() => TestApi.Scripted(async (_, _, stream, stop) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 3\r\nConnection: close\r\n\r\n" + TestApi.Lines(1)), stop);
        await stream.FlushAsync(stop);
        await Task.Delay(Timeout.Infinite, stop);
    });

    [Fact]
    public async Task A_stream_that_stalls_ends_at_the_read_timeout_saying_how_many_records_arrived()
    {
        using var server = Stalling();
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token, ReadTimeout = TimeSpan.FromMilliseconds(500) });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(15)); // today's code waited forever
        var delivered = 0;

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: guard.Token)) delivered++;
        });

        Assert.Equal(1, delivered);
        Assert.Contains("no data arrived for 0.5 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 records were delivered of 3 declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_read_timeout_can_be_set_per_stream()
    {
        using var server = Stalling();
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = TestApi.Token }); // 120 s by default
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, options: new MarketplaceStreamOptions { ReadTimeout = TimeSpan.FromMilliseconds(300) }, cancellationToken: guard.Token)) { }
        });

        Assert.Contains("no data arrived for 0.3 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(120), new MarketplaceClientOptions().ReadTimeout);
    }

    [Fact]
    public async Task Breaking_out_or_cancelling_releases_a_stream_that_would_go_on()
    {
        using var server = TestApi.Scripted(async (_, _, stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 1000\r\nConnection: close\r\n\r\n" + TestApi.Lines(1)), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(Timeout.Infinite, stop); // the rest never comes
        });
        using var client = Client(server.BaseUri);

        var breakOut = Task.Run(async () =>
        {
            await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) break;
        });
        Assert.Same(breakOut, await Task.WhenAny(breakOut, Task.Delay(TimeSpan.FromSeconds(20))));
        await breakOut;

        using var cancellation = new CancellationTokenSource();
        var read = 0;
        var cancelled = Task.Run(async () =>
        {
            await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: cancellation.Token))
            {
                read++;
                cancellation.Cancel();
            }
        });
        Assert.Same(cancelled, await Task.WhenAny(cancelled, Task.Delay(TimeSpan.FromSeconds(20))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, read);
    }

    [Fact]
    public void Path_parameters_are_checked_when_the_stream_is_asked_for()
    {
        using var client = _api.CreateClient();

        Assert.Throws<ArgumentException>(() => client.StreamAllInstallationsAsync(".."));
        Assert.Empty(_api.WireMock.LogEntries);
    }

    // Issue 36 ("also look at"): a streamed line had no length cap, so a body without line breaks grew one string until the
    // process ran out of memory. A record longer than MaxResponseBytes (in characters) ends the stream.
    [Fact]
    public async Task A_record_longer_than_MaxResponseBytes_ends_the_stream_saying_which_and_why()
    {
        var huge = TestApi.Record(1).Replace("\"id\"", "\"note\":\"" + new string('x', 5000) + "\",\"id\"", StringComparison.Ordinal);
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/jsonl").WithHeader("MPT-Streaming", "true").WithHeader("MPT-Item-Count", "3")
                .WithBody(TestApi.Record(0) + "\r\n" + huge + "\n" + TestApi.Record(2) + "\n"));
        using var client = _api.CreateClient(o => o.MaxResponseBytes = 4096);
        var received = new List<string?>();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var instance in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) received.Add(instance.Id);
        });

        Assert.Single(received);
        Assert.Contains("record 2 of the stream is longer than 4096 characters (MaxResponseBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_end_at_lf_crlf_or_cr_and_a_last_line_without_a_break_is_a_record()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/jsonl").WithHeader("MPT-Streaming", "true").WithHeader("MPT-Item-Count", "4")
                .WithBody(TestApi.Record(0) + "\r\n" + TestApi.Record(1) + "\r" + TestApi.Record(2) + "\n\n" + TestApi.Record(3)));
        var received = new List<string?>();

        await foreach (var instance in _api.Client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) received.Add(instance.Id);

        Assert.Equal(4, received.Count);
    }

    private static MarketplaceClient Client(Uri baseUri, TimeSpan? attemptTimeout = null) => new(new MarketplaceClientOptions
    {
        BaseUri = baseUri,
        Token = TestApi.Token,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(30),
        Retry = { BaseDelay = TimeSpan.FromMilliseconds(10) },
    });

    private sealed class SynchronousProgress : IProgress<MarketplaceStreamProgress>
    {
        private readonly Action<MarketplaceStreamProgress> _report;

        public SynchronousProgress(Action<MarketplaceStreamProgress> report) => _report = report;

        public void Report(MarketplaceStreamProgress value) => _report(value);
    }
}
