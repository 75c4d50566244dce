using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// Runs one attempt under <see cref="MarketplaceClientOptions.AttemptTimeout"/> and reads its whole body inside it, at
/// most <see cref="MarketplaceClientOptions.MaxResponseBytes"/>. Reading the body here means a connection dropped
/// mid-body, or a server that sends headers and then stalls, is an attempt that failed (and that
/// <see cref="RetryHandler"/> may retry) instead of a hang or an <see cref="System.IO.IOException"/> deep in the JSON
/// reader. Pages are at most 100 items, so holding one in memory is cheap. A successful stream or file download is
/// handed over at its headers: its consumer reads it as it arrives, outside the attempt, and the size cap does not apply.
/// </summary>
internal sealed class BufferingHandler : DelegatingHandler
{
    private readonly TimeSpan _attemptTimeout;
    private readonly long _maxResponseBytes;
    private readonly TimeProvider _time;

    public BufferingHandler(TimeSpan attemptTimeout, long maxResponseBytes, TimeProvider time)
    {
        _attemptTimeout = attemptTimeout;
        _maxResponseBytes = maxResponseBytes;
        _time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The attempt's token: the caller's, cancelled as well when the attempt's time runs out. With the system clock
        // one linked source does both; another clock (a test's) needs a timer source of its own.
        CancellationTokenSource? timer = null;
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_attemptTimeout != Timeout.InfiniteTimeSpan)
        {
            if (ReferenceEquals(_time, TimeProvider.System)) attempt.CancelAfter(_attemptTimeout);
            else
            {
                attempt.Dispose();
                timer = MarketplaceHttp.CancelAfter(_attemptTimeout, _time);
                attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            }
        }

        try
        {
            var response = await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
            if (RequestState.IsReadAsItArrives(request) && response.IsSuccessStatusCode) return response;
            try
            {
                if (response.Content?.Headers.ContentLength is { } declared && declared > _maxResponseBytes)
                    throw TooLarge(request, declared + " bytes", null);
                if (response.Content is not null) await LoadBodyAsync(response, _maxResponseBytes, attempt.Token).ConfigureAwait(false);
                return response;
            }
            catch (HttpRequestException ex) when (IsOverTheLimit(ex))
            {
                response.Dispose();
                throw TooLarge(request, "more", ex);
            }
            catch (Exception ex) when (BodyReadStream.EncodingOf(response) is { } encoding && BodyReadStream.IsDecodingError(ex, encoding) && !attempt.IsCancellationRequested)
            {
                // A body that is not the gzip or brotli it says it is (a mangling proxy, a cut-off transfer): the decompressor
                // throws InvalidDataException or InvalidOperationException. A broken body, as a dropped connection is.
                response.Dispose();
                throw new HttpRequestException(
                    $"Reading the response to {request.Method} {request.RequestUri?.AbsolutePath} failed: the body is not valid {encoding} ({ex.Message})", ex);
            }
            catch (Exception ex) when ((ex is System.IO.IOException || ex is HttpRequestException) && ex is not ResponseTooLargeException && !attempt.IsCancellationRequested)
            {
                response.Dispose();
                throw new HttpRequestException(
                    $"Reading the response to {request.Method} {request.RequestUri?.AbsolutePath} failed: {ex.Message}", ex);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is not ResponseTooLargeException)
        {
            // The attempt's own time ran out (not the caller's, not HttpClient's overall timeout, which cancels cancellationToken).
            throw new AttemptTimeoutException(
                $"The attempt to {request.Method} {request.RequestUri?.AbsolutePath} took longer than {_attemptTimeout.TotalMilliseconds:0} ms.", ex);
        }
        finally
        {
            attempt.Dispose();
            timer?.Dispose();
        }
    }

    private ResponseTooLargeException TooLarge(HttpRequestMessage request, string size, Exception? inner) => new(
        $"The response to {request.Method} {request.RequestUri?.AbsolutePath} is {size} than {nameof(MarketplaceClientOptions.MaxResponseBytes)} " +
        $"({_maxResponseBytes} bytes). Raise {nameof(MarketplaceClientOptions)}.{nameof(MarketplaceClientOptions.MaxResponseBytes)}, " +
        "or ask for less (a smaller limit, select=-field). It is not retried: it would be the same size again.",
        inner);

    private static bool IsOverTheLimit(HttpRequestException exception) =>
#if NET8_0_OR_GREATER
        exception.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded;
#else
        // Older runtimes say it only in words: "Cannot write more bytes to the buffer than the configured maximum buffer size".
        exception.Message.IndexOf("buffer size", StringComparison.OrdinalIgnoreCase) >= 0;
#endif

    private static async Task LoadBodyAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
#if NET5_0_OR_GREATER
        await response.Content.LoadIntoBufferAsync(maxBytes, cancellationToken).ConfigureAwait(false);
#else
        // No cancellable overload here: cancelling (the attempt timeout, the caller) aborts the read by disposing the
        // response. Whoever comes first wins: a cancellation that arrives after the body has loaded must not dispose the
        // response being returned, so the callback disposes only while the load is still running.
        var state = new LoadState(response);
        using (cancellationToken.Register(static s => ((LoadState)s!).Cancel(), state))
        {
            try
            {
                await response.Content.LoadIntoBufferAsync(maxBytes).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            if (!state.TryComplete()) throw new OperationCanceledException(cancellationToken);
        }
#endif
    }

#if !NET5_0_OR_GREATER
    // 0 loading, 1 loaded, 2 cancelled (and disposed).
    private sealed class LoadState
    {
        private readonly HttpResponseMessage _response;
        private int _state;

        public LoadState(HttpResponseMessage response) => _response = response;

        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0) _response.Dispose();
        }

        public bool TryComplete() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;
    }
#endif
}

/// <summary>A body larger than <see cref="MarketplaceClientOptions.MaxResponseBytes"/>: an <see cref="HttpRequestException"/> (as the runtime's own would be) that is never retried.</summary>
internal sealed class ResponseTooLargeException : HttpRequestException
{
    public ResponseTooLargeException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>One attempt ran out of <see cref="MarketplaceClientOptions.AttemptTimeout"/>; <see cref="RetryHandler"/> retries it or says how many attempts there were.</summary>
internal sealed class AttemptTimeoutException : TimeoutException
{
    public AttemptTimeoutException(string message, Exception inner) : base(message, inner) { }
}
