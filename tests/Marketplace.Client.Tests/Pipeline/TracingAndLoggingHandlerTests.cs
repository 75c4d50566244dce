using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Marketplace.Client.Tests.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// <see cref="TracingHandler"/> and <see cref="LoggingHandler"/> in memory: one HTTP client span per attempt as
/// OpenTelemetry's HTTP conventions name and tag it (with <c>http.request.resend_count</c> from the second send on),
/// its trace context on the wire, and one Debug line per attempt that never carries the query.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TracingAndLoggingHandlerTests
{
    private static HttpRequestMessage Request(int previousSends, string query = "", string authority = "api.test")
    {
        var request = new MarketplaceRequest(new OperationInfo("ListThings", "/public/v1/things"), HttpMethod.Get, "public/v1/things").ToHttpRequestMessage();
        request.RequestUri = new Uri("https://" + authority + "/public/v1/things" + query);
        for (var i = 0; i <= previousSends; i++) RequestState.CountSend(request);
        return request;
    }

    [Fact]
    public async Task Each_attempt_is_a_client_span_whose_context_goes_on_the_wire()
    {
        using var telemetry = new TelemetryCapture();
        string? traceparent = null;
        var inner = new FakeInner((request, _, _) =>
        {
            traceparent = request.Headers.GetValues("traceparent").Single();
            return Task.FromResult(InMemory.Response(503));
        });
        using var invoker = InMemory.Chain(new TracingHandler(), inner);

        using (await invoker.SendAsync(Request(previousSends: 1), CancellationToken.None)) { }

        var span = telemetry.Single("GET /public/v1/things");
        Assert.Equal(System.Diagnostics.ActivityKind.Client, span.Kind);
        Assert.Equal($"00-{span.TraceId}-{span.SpanId}-01", traceparent);
        Assert.Equal(1, span.GetTagItem("http.request.resend_count"));
        Assert.Equal(503, span.GetTagItem("http.response.status_code"));
        Assert.Equal("503", span.GetTagItem("error.type"));
        Assert.Equal("https://api.test/public/v1/things", span.GetTagItem("url.full"));
        var duration = Assert.Single(telemetry.Measurements("http.client.request.duration"));
        Assert.Contains(duration.Tags, t => t.Key == "url.template" && (string?)t.Value == "/public/v1/things");
    }

    // OpenTelemetry's url.full: "credentials in the form of user:password MUST be removed", e.g. a BaseUri of
    // https://user:secret@proxy/ from a connection string.
    [Fact]
    public async Task The_url_in_a_span_has_no_user_name_or_password()
    {
        using var telemetry = new TelemetryCapture();
        using var invoker = InMemory.Chain(new TracingHandler(), new FakeInner((_, _, _) => Task.FromResult(InMemory.Response(200))));

        using (await invoker.SendAsync(Request(previousSends: 0, "?eq(name,x)", "svc:s3cr3t@api.test:8443"), CancellationToken.None)) { }

        var span = telemetry.Single("GET /public/v1/things");
        Assert.Equal("https://api.test:8443/public/v1/things?*", span.GetTagItem("url.full"));
    }

    [Fact]
    public async Task A_first_send_has_no_resend_count_and_a_failure_says_timeout_or_cancelled()
    {
        using var telemetry = new TelemetryCapture();
        using var timesOut = InMemory.Chain(new TracingHandler(), new FakeInner((_, _, _) => throw new AttemptTimeoutException("slow", new TaskCanceledException())));
        await Assert.ThrowsAsync<AttemptTimeoutException>(() => timesOut.SendAsync(Request(previousSends: 0), CancellationToken.None));
        using var cancellation = new CancellationTokenSource();
        using var cancelled = InMemory.Chain(new TracingHandler(), new FakeInner((_, _, token) =>
        {
            cancellation.Cancel();
            throw new OperationCanceledException(token);
        }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.SendAsync(Request(previousSends: 0), cancellation.Token));

        var spans = telemetry.Spans;
        Assert.Equal(new object?[] { "timeout", "cancelled" }, spans.Select(s => s.GetTagItem("error.type")).ToArray());
        Assert.All(spans, s => Assert.Null(s.GetTagItem("http.request.resend_count")));
    }

    [Fact]
    public async Task Each_attempt_is_logged_once_at_debug_with_its_number_and_without_the_query()
    {
        var logger = new ListLogger();
        var calls = 0;
        using var invoker = InMemory.Chain(new LoggingHandler(logger), new FakeInner((_, _, _) =>
            ++calls == 1 ? Task.FromResult(InMemory.Response(200)) : throw new HttpRequestException("reset")));

        using (await invoker.SendAsync(Request(previousSends: 1, query: "?eq(email,%22a@b.c%22)"), CancellationToken.None)) { }
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(Request(previousSends: 2), CancellationToken.None));

        var entries = logger.Entries.ToArray();
        Assert.Equal(2, entries.Length);
        Assert.All(entries, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal((1, "MarketplaceRequest"), (entries[0].Id.Id, entries[0].Id.Name));
        Assert.Matches(@"^GET /public/v1/things answered 200 in \d+ ms \(attempt 2\)$", entries[0].Message);
        Assert.Equal((3, "MarketplaceRequestFailed"), (entries[1].Id.Id, entries[1].Id.Name));
        Assert.Matches(@"^GET /public/v1/things failed \(System.Net.Http.HttpRequestException\) after \d+ ms \(attempt 3\)$", entries[1].Message);
        Assert.DoesNotContain(entries, e => e.Message.Contains("a@b.c", StringComparison.Ordinal) || e.Message.Contains("reset", StringComparison.Ordinal));
    }
}
