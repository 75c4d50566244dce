using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// <see cref="BufferingHandler"/> in memory: an attempt is over when its whole body is read, within the attempt timeout
/// and the size cap (README: "Retries", <c>MaxResponseBytes</c>, <c>AttemptTimeout</c>); a successful stream is handed
/// over at its headers.
/// </summary>
public sealed class BufferingHandlerTests
{
    private readonly ManualClock _clock = new();

    private HttpMessageInvoker Buffering(FakeInner inner, long maxBytes = 1024, TimeSpan? attemptTimeout = null) =>
        InMemory.Chain(new BufferingHandler(attemptTimeout ?? TimeSpan.FromSeconds(30), maxBytes, _clock), inner);

    private static FakeInner Answering(HttpContent content, int status = 200) =>
        new((_, _, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = content }));

    [Fact]
    public async Task The_body_is_read_within_the_attempt()
    {
        var content = new Body(new byte[100]);
        using var invoker = Buffering(Answering(content));

        using var response = await invoker.SendAsync(HttpMethod.Get);

        Assert.True(content.Written, "the body was not read before the response came back");
        Assert.Equal(100, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_fails_before_the_body_is_read_and_is_never_retried()
    {
        var content = new Body(new byte[2000], declareLength: true);
        using var invoker = Buffering(Answering(content), maxBytes: 1000);

        var error = await Assert.ThrowsAsync<ResponseTooLargeException>(() => invoker.SendAsync(HttpMethod.Get));

        Assert.False(content.Written);
        Assert.StartsWith("The response to GET /public/v1/integration/extensions/EXT-1/instances is 2000 bytes than MaxResponseBytes (1000 bytes).", error.Message, StringComparison.Ordinal);
        Assert.True(RetryHandler.IsPermanent(error));
        Assert.True(content.Disposed, "the refused response was not disposed");
    }

    [Fact]
    public async Task A_body_without_a_length_that_grows_over_the_cap_fails_the_same_way()
    {
        using var invoker = Buffering(Answering(new Body(new byte[5000])), maxBytes: 1000);

        var error = await Assert.ThrowsAsync<ResponseTooLargeException>(() => invoker.SendAsync(HttpMethod.Get));

        Assert.Contains("is more than MaxResponseBytes (1000 bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_cut_off_while_reading_is_an_http_request_exception_that_names_the_request()
    {
        var content = new Body(new byte[100], failAfter: 10);
        using var invoker = Buffering(Answering(content));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(HttpMethod.Get));

        Assert.StartsWith("Reading the response to GET /public/v1/integration/extensions/EXT-1/instances failed: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException?.InnerException ?? error.InnerException); // the runtime wraps it in "Error while copying content"
        Assert.False(RetryHandler.IsPermanent(error));
        Assert.True(content.Disposed);
    }

    [Fact]
    public async Task A_body_that_stalls_past_the_attempt_timeout_is_a_timeout_of_the_attempt()
    {
        var content = new Body(new byte[100], stallAfter: 10);
        using var invoker = Buffering(Answering(content), attemptTimeout: TimeSpan.FromSeconds(30));

        var call = invoker.SendAsync(HttpMethod.Get);
        await content.Stalled.Task;
        _clock.Advance(TimeSpan.FromSeconds(29.9));
        await InMemory.SettleAsync();
        Assert.False(call.IsCompleted, "the attempt ended before its timeout");
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        var error = await Assert.ThrowsAsync<AttemptTimeoutException>(() => call);
        Assert.IsAssignableFrom<TimeoutException>(error);
        Assert.Equal("timeout", MarketplaceDiagnostics.ErrorType(error));
    }

    [Fact]
    public async Task Headers_that_never_come_are_a_timeout_of_the_attempt()
    {
        var inner = new FakeInner(async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var invoker = Buffering(inner, attemptTimeout: TimeSpan.FromSeconds(5));

        var call = invoker.SendAsync(HttpMethod.Get);
        await inner.WaitForAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<AttemptTimeoutException>(() => call);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_timeout()
    {
        var content = new Body(new byte[100], stallAfter: 10);
        using var invoker = Buffering(Answering(content));
        using var cancellation = new CancellationTokenSource();

        var call = invoker.SendAsync(HttpMethod.Get, cancellationToken: cancellation.Token);
        await content.Stalled.Task;
        cancellation.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("cancelled", MarketplaceDiagnostics.ErrorType(error, cancellation.Token));
    }

    [Fact]
    public async Task A_successful_stream_is_handed_over_at_its_headers_and_an_error_is_read_whole()
    {
        var streamed = new MarketplaceRequest(new OperationInfo("StreamThings", "/things"), HttpMethod.Get, "things").AsStream();
        var body = new Body(new byte[5000], stallAfter: 10);
        using (var invoker = Buffering(Answering(body), maxBytes: 1000))
        using (var response = await invoker.SendAsync(Message(streamed), CancellationToken.None))
        {
            Assert.False(body.Stalled.Task.IsCompleted, "a stream's body was read within the attempt");
            Assert.Equal(200, (int)response.StatusCode);
        }

        var error = new Body(new byte[100]);
        using (var invoker = Buffering(Answering(error, status: 500)))
        using (var response = await invoker.SendAsync(Message(streamed), CancellationToken.None))
            Assert.True(error.Written, "a stream's error body was not read within the attempt");
    }

    private static HttpRequestMessage Message(MarketplaceRequest request)
    {
        var message = request.ToHttpRequestMessage();
        message.RequestUri = new Uri(new Uri("https://api.test/"), message.RequestUri!);
        return message;
    }

    /// <summary>A body that writes its bytes, or fails or stalls part-way; with or without a declared length.</summary>
    private sealed class Body : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly bool _declareLength;
        private readonly int? _failAfter;
        private readonly int? _stallAfter;

        public Body(byte[] bytes, bool declareLength = false, int? failAfter = null, int? stallAfter = null)
        {
            _bytes = bytes;
            _declareLength = declareLength;
            _failAfter = failAfter;
            _stallAfter = stallAfter;
        }

        public bool Written { get; private set; }

        public bool Disposed { get; private set; }

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var cut = _failAfter ?? _stallAfter;
            await stream.WriteAsync(_bytes.AsMemory(0, cut ?? _bytes.Length), cancellationToken);
            if (_failAfter is not null) throw new IOException("The response ended prematurely.");
            if (_stallAfter is not null)
            {
                Stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            Written = true;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return _declareLength;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
