using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Newtonsoft.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Diagnostics;

/// <summary>
/// Traces and metrics as an OpenTelemetry host sees them (issue 13): a span per operation call, a span per HTTP attempt
/// beneath it with the OpenTelemetry HTTP client attributes and the W3C traceparent on the wire, a span per enumeration
/// that ends as the enumeration ends, and the meter's instruments; never the token, a query value or a person's data.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests : IDisposable
{
    private const string Template = "/public/v1/integration/extensions/{extensionId}/instances";
    private const string QuerySentinel = "query-sentinel-5b1e";
    private const string PersonName = "Jane Sentinel-Doe";
    private const string PersonEmail = "jane.sentinel@example.com";

    private readonly TestApi _api = new();
    private readonly TelemetryCapture _capture = new();

    public void Dispose()
    {
        _capture.Dispose();
        _api.Dispose();
    }

    // Pages whose records carry a person's name, which no span, metric or log may hold.
    private static string Page(int offset, int count, int total) => TestApi.Page(offset, count, total, idPrefix: "INS-0000-0000-", name: PersonName);

    private void ServePages(int total)
    {
        for (var offset = 0; offset < total; offset += 100)
        {
            _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithParam("offset", offset.ToString()))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Page(offset, Math.Min(100, total - offset), total)));
        }
    }

    private void AssertNothingSecretRecorded()
    {
        foreach (var text in _capture.EverythingRecorded())
        {
            Assert.DoesNotContain(TestApi.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
            Assert.DoesNotContain(QuerySentinel, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Sentinel", text, StringComparison.Ordinal);
            Assert.DoesNotContain(PersonEmail, text, StringComparison.Ordinal);
        }
    }

    private static object? Tag(Activity span, string key) => span.GetTagItem(key);

    [Fact]
    public async Task A_paged_enumeration_is_one_span_holding_a_span_per_page_each_holding_its_attempt()
    {
        ServePages(250);
        using var client = _api.CreateClient();

        var items = 0;
        await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, RqlQuery.Where(Rql.Eq("name", QuerySentinel))))
            items++;

        Assert.Equal(250, items);
        var enumeration = _capture.Single("ListAllExtensionInstances");
        Assert.Equal(_capture.Root.SpanId, enumeration.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Ok, enumeration.Status);
        Assert.Equal("completed", Tag(enumeration, "marketplace.list.outcome"));
        Assert.Equal(250L, Tag(enumeration, "marketplace.list.item_count"));
        Assert.Equal(3L, Tag(enumeration, "marketplace.list.page_count"));
        Assert.Equal(250L, Tag(enumeration, "marketplace.list.total"));
        Assert.Equal("paged", Tag(enumeration, "marketplace.list.mode"));

        var pages = _capture.ChildrenOf(enumeration).OrderBy(p => (int)Tag(p, "marketplace.page.offset")!).ToList();
        Assert.Equal(new[] { 0, 100, 200 }, pages.Select(p => (int)Tag(p, "marketplace.page.offset")!));
        Assert.All(pages, page =>
        {
            Assert.Equal("ListExtensionInstances", page.DisplayName);
            Assert.Equal(ActivityKind.Internal, page.Kind);
            Assert.Equal(ActivityStatusCode.Ok, page.Status);
            Assert.Equal(100, Tag(page, "marketplace.page.limit"));
            Assert.Equal(Template, Tag(page, "url.template"));
        });
        Assert.Equal(new[] { 100, 100, 50 }, pages.Select(p => (int)Tag(p, "marketplace.page.item_count")!));

        var attempts = pages.Select(p => Assert.Single(_capture.ChildrenOf(p))).ToList();
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(ActivityKind.Client, attempt.Kind);
            Assert.Equal("GET " + Template, attempt.DisplayName);
            Assert.Equal("GET", Tag(attempt, "http.request.method"));
            Assert.Equal(Template, Tag(attempt, "url.template"));
            Assert.Equal(_api.BaseUri.Host, Tag(attempt, "server.address"));
            Assert.Equal(_api.BaseUri.Port, Tag(attempt, "server.port"));
            Assert.Equal(200, Tag(attempt, "http.response.status_code"));
            Assert.Null(Tag(attempt, "error.type"));
            Assert.Null(Tag(attempt, "http.request.resend_count"));
            Assert.EndsWith(TestApi.InstancesPath + "?*", (string)Tag(attempt, "url.full")!, StringComparison.Ordinal);
        });

        // Each request carried its own attempt's trace context.
        var sent = _api.WireMock.LogEntries.Select(e => e.RequestMessage!.Headers!["traceparent"].Single()).OrderBy(t => t).ToList();
        Assert.Equal(attempts.Select(a => $"00-{a.TraceId}-{a.SpanId}-01").OrderBy(t => t), sent);

        // One duration per attempt, with the HTTP attributes; the items handed out.
        var durations = _capture.Measurements("http.client.request.duration").Where(m => Equals(m.Tag("server.port"), _api.BaseUri.Port)).ToList();
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d =>
        {
            Assert.Equal(200, d.Tag("http.response.status_code"));
            Assert.Equal(Template, d.Tag("url.template"));
            Assert.Equal("GET", d.Tag("http.request.method"));
            Assert.True(d.Value is > 0 and < 60);
        });
        Assert.Equal(250, _capture.Measurements("marketplace.client.items").Where(m => Equals(m.Tag("marketplace.list.mode"), "paged")).Sum(m => m.Value));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task A_write_and_a_download_are_each_one_operation_span_with_their_method_over_one_attempt()
    {
        const string Item = TestApi.InstancesPath + "/INS-0000-0000-0001";
        _api.WireMock.Given(Request.Create().WithPath(Item).UsingPut()).RespondWith(Response.Create().WithStatusCode(409)
            .WithHeader("Content-Type", "application/problem+json").WithBody("""{"title":"Conflict","status":409,"detail":"Changed by someone else."}"""));
        _api.WireMock.Given(Request.Create().WithPath(Item + "/icon").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "image/png").WithBody(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        using var client = _api.CreateClient();
        var update = new Marketplace.Client.Diagnostics.OperationInfo("UpdateExtensionInstance", Template + "/{instanceId}");
        var icon = new Marketplace.Client.Diagnostics.OperationInfo("DownloadExtensionInstanceIcon", Template + "/{instanceId}/icon");

        var conflict = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.SendAsync<Instance, Instance>(
            new Marketplace.Client.Http.MarketplaceRequest(update, System.Net.Http.HttpMethod.Put, Item.TrimStart('/')).WithJsonBody(new Instance { Name = PersonName }), default));
        using (var download = await client.DownloadAsync(new Marketplace.Client.Http.MarketplaceRequest(icon, System.Net.Http.HttpMethod.Get, (Item + "/icon").TrimStart('/')).AsDownload("image/png"), default))
            await download.CopyToAsync(System.IO.Stream.Null);

        Assert.Equal(409, conflict.StatusCode);
        var put = _capture.Single("UpdateExtensionInstance");
        Assert.Equal("PUT", Tag(put, "http.request.method"));
        Assert.Equal(ActivityStatusCode.Error, put.Status);
        var putAttempt = Assert.Single(_capture.ChildrenOf(put));
        Assert.Equal("PUT " + Template + "/{instanceId}", putAttempt.DisplayName);
        Assert.Equal(409, Tag(putAttempt, "http.response.status_code"));
        var get = _capture.Single("DownloadExtensionInstanceIcon");
        Assert.Equal("GET", Tag(get, "http.request.method"));
        Assert.Equal(ActivityStatusCode.Ok, get.Status);
        Assert.Equal(200, Tag(Assert.Single(_capture.ChildrenOf(get)), "http.response.status_code"));
        Assert.Contains(_capture.Measurements("http.client.request.duration"), m => Equals(m.Tag("http.request.method"), "PUT") && Equals(m.Tag("http.response.status_code"), 409));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task A_retried_429_is_two_attempts_under_one_operation_and_one_retry_by_reason()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("throttled").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("throttled").WhenStateIs("open")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Page(0, 2, 2)));
        using var client = _api.CreateClient();

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        var operation = _capture.Single("ListExtensionInstances");
        Assert.Equal(ActivityStatusCode.Ok, operation.Status);
        var attempts = _capture.ChildrenOf(operation).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(429, Tag(attempts[0], "http.response.status_code"));
        Assert.Equal("429", Tag(attempts[0], "error.type"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal(200, Tag(attempts[1], "http.response.status_code"));
        Assert.Equal(1, Tag(attempts[1], "http.request.resend_count"));
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);

        var retry = Assert.Single(_capture.Measurements("marketplace.client.retries"));
        Assert.Equal(1, retry.Value);
        Assert.Equal("429", retry.Tag("marketplace.retry.reason"));
        Assert.Equal("ListExtensionInstances", retry.Tag("marketplace.operation"));
        var durations = _capture.Measurements("http.client.request.duration").Where(m => Equals(m.Tag("server.port"), _api.BaseUri.Port)).ToList();
        Assert.Equal(new object?[] { 429, 200 }, durations.Select(d => d.Tag("http.response.status_code")));
        Assert.Equal("429", durations[0].Tag("error.type"));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task A_404_with_problem_details_fails_the_operation_span_with_its_status_and_trace_id_and_nothing_of_the_detail()
    {
        const string traceId = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        _api.Serve(TestApi.InstancesPath, JsonConvert.SerializeObject(new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            title = "Not Found",
            status = 404,
            traceId,
            detail = $"Extension of {PersonName} ({PersonEmail}) not found; token was {TestApi.Token}",
        }), status: 404, contentType: "application/problem+json");
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(404, error.StatusCode);
        var operation = _capture.Single("ListExtensionInstances");
        Assert.Equal(ActivityStatusCode.Error, operation.Status);
        Assert.Equal("404", operation.StatusDescription);
        Assert.Equal("404", Tag(operation, "error.type"));
        Assert.Equal(404, Tag(operation, "http.response.status_code"));
        Assert.Equal(traceId, Tag(operation, "marketplace.error.trace_id"));
        var attempt = Assert.Single(_capture.ChildrenOf(operation));
        Assert.Equal("404", Tag(attempt, "error.type"));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task An_enumeration_broken_out_of_ends_its_span_as_stopped_without_an_error()
    {
        ServePages(250);
        using var client = _api.CreateClient(o => o.PrefetchPages = 1);

        await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId))
            break;

        var enumeration = _capture.Single("ListAllExtensionInstances");
        Assert.Equal(ActivityStatusCode.Unset, enumeration.Status);
        Assert.Equal("stopped", Tag(enumeration, "marketplace.list.outcome"));
        Assert.Equal(100L, Tag(enumeration, "marketplace.list.item_count"));
        Assert.Single(_capture.ChildrenOf(enumeration));
    }

    [Fact]
    public async Task A_cancelled_enumeration_ends_its_span_as_cancelled()
    {
        ServePages(250);
        using var client = _api.CreateClient(o => o.PrefetchPages = 1);
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: cancellation.Token))
                cancellation.Cancel();
        });

        var enumeration = _capture.Single("ListAllExtensionInstances");
        Assert.Equal(ActivityStatusCode.Error, enumeration.Status);
        Assert.Equal("cancelled", Tag(enumeration, "marketplace.list.outcome"));
        Assert.Equal("cancelled", Tag(enumeration, "error.type"));
    }

    [Fact]
    public async Task A_server_that_ignores_the_offset_fails_the_enumeration_span_and_counts_a_contract_violation()
    {
        // Every offset gets the first page again.
        _api.Serve(TestApi.InstancesPath, Page(0, 100, 300).Replace("\"offset\":0", "\"offset\":null", StringComparison.Ordinal));
        using var client = _api.CreateClient(o => o.PrefetchPages = 1);

        await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId))
            {
            }
        });

        var enumeration = _capture.Single("ListAllExtensionInstances");
        Assert.Equal(ActivityStatusCode.Error, enumeration.Status);
        Assert.Equal("failed", Tag(enumeration, "marketplace.list.outcome"));
        Assert.Equal("contract_violation", Tag(enumeration, "error.type"));
        var violation = Assert.Single(_capture.Measurements("marketplace.client.contract_violations"));
        Assert.Equal("paged", violation.Tag("marketplace.violation"));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task A_stream_is_one_span_holding_its_one_request()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 30).Select(i => $$"""{"id":"INS-0000-0000-{{i:0000}}","name":"{{PersonName}}"}"""));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("MPT-Streaming", "true"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/jsonl")
                .WithHeader("MPT-Streaming", "true").WithHeader("MPT-Item-Count", "30").WithBody(lines + "\n"));
        using var client = _api.CreateClient();

        var count = 0;
        await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, RqlQuery.Where(Rql.Eq("name", QuerySentinel))))
            count++;

        Assert.Equal(30, count);
        var stream = _capture.Single("StreamAllExtensionInstances");
        Assert.Equal(_capture.Root.SpanId, stream.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Ok, stream.Status);
        Assert.Equal("streamed", Tag(stream, "marketplace.list.mode"));
        Assert.Equal(30L, Tag(stream, "marketplace.list.item_count"));
        Assert.Equal(30L, Tag(stream, "marketplace.list.total"));
        var attempt = Assert.Single(_capture.ChildrenOf(stream));
        Assert.Equal("GET " + Template, attempt.DisplayName);
        Assert.Equal(200, Tag(attempt, "http.response.status_code"));
        Assert.Equal($"00-{attempt.TraceId}-{attempt.SpanId}-01", _api.WireMock.LogEntries.Single().RequestMessage!.Headers!["traceparent"].Single());
        Assert.Equal(30, _capture.Measurements("marketplace.client.items").Where(m => Equals(m.Tag("marketplace.list.mode"), "streamed")).Sum(m => m.Value));
        AssertNothingSecretRecorded();
    }

    [Fact]
    public async Task A_client_over_your_own_HttpClient_still_traces_its_operations()
    {
        _api.Serve(TestApi.InstancesPath, Page(0, 1, 1));

        await _api.Client.ListExtensionInstancesAsync(TestApi.ExtensionId, limit: 1);

        var operation = _capture.Single("ListExtensionInstances");
        Assert.Equal(ActivityStatusCode.Ok, operation.Status);
        Assert.Equal(1, Tag(operation, "marketplace.page.limit"));
        Assert.Equal(1, Tag(operation, "marketplace.page.item_count"));
    }
}
