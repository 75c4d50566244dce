using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Marketplace.Client.Http;

/// <summary>
/// Sends a request again when an attempt failed in a way that may not repeat, at most
/// <see cref="MarketplaceRetryOptions.MaxAttempts"/> attempts in all. A read (GET, HEAD) is retried on 408, 429, 500,
/// 502, 503 and 504, a connection failure, a cut-off body or an attempt timeout (<see cref="BufferingHandler"/> turns
/// those into exceptions within the attempt). A write (POST, PUT, DELETE, any other method) is retried on 429 only: a
/// 429 is the platform refusing the request before doing anything with it, while after a 5xx, a dropped connection or a
/// timeout the write may have been carried out, and sending it again could do it twice. Back-off is exponential with
/// jitter; a server's <c>Retry-After</c> is obeyed, never shortened.
/// </summary>
/// <remarks>
/// A wait the server asks for beyond <see cref="MarketplaceRetryOptions.MaxRetryAfter"/>, or beyond what is left of the
/// overall timeout, is not waited at all: the 429 or 503 goes back to the caller (as
/// <see cref="MarketplaceApiException.RetryAfter"/>). A small jitter goes on top so that throttled clients do not all
/// return at the same instant. What one request learns is shared: until the server's <c>Retry-After</c> has passed, no
/// other request through this handler (a prefetched page, say) is sent either, whatever its method. All waiting goes
/// through the <see cref="TimeProvider"/>, so tests move time instead of waiting it out.
/// </remarks>
internal sealed class RetryHandler : DelegatingHandler
{
    private static readonly Action<ILogger, string, string, int, string, double, Exception?> LogRetry = LoggerMessage.Define<string, string, int, string, double>(
        LogLevel.Warning, new EventId(2, "MarketplaceRetry"), "{Method} {Path} failed on attempt {Attempt} ({Outcome}); retrying in {DelayMs} ms");

    private readonly int _maxAttempts;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly TimeSpan _maxRetryAfter;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeSpan _overallTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;

    // UTC ticks until which the server asked this client to hold off (Retry-After on a 429 or 503); 0 when it did not.
    private long _throttledUntilTicks;

    public RetryHandler(MarketplaceClientOptions options, TimeProvider time, ILogger? logger)
    {
        var retry = options.Retry;
        _maxAttempts = retry.Enabled ? Math.Max(1, retry.MaxAttempts) : 1;
        _baseDelay = retry.BaseDelay;
        _maxDelay = retry.MaxDelay;
        _maxRetryAfter = retry.MaxRetryAfter;
        _attemptTimeout = MarketplaceHttp.Limit(options.AttemptTimeout);
        _overallTimeout = MarketplaceHttp.Limit(options.Timeout);
        _time = time;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        // HttpClient's overall timeout runs from about here; a wait that would outlast it is not worth starting.
        var deadline = _overallTimeout == Timeout.InfiniteTimeSpan || _overallTimeout >= DateTimeOffset.MaxValue - _time.GetUtcNow()
            ? DateTimeOffset.MaxValue
            : _time.GetUtcNow() + _overallTimeout;
        for (var attempt = 1; ; attempt++)
        {
            await HoldOffWhileThrottledAsync(deadline, cancellationToken).ConfigureAwait(false);
            RequestState.CountSend(request);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (isRead && !cancellationToken.IsCancellationRequested && attempt < _maxAttempts && IsRetriable(ex))
            {
                var delay = Backoff(attempt);
                if (!Fits(delay, deadline)) throw Final(ex, request, attempt);
                await WaitToRetryAsync(request, attempt, ex, null, delay, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (AttemptTimeoutException timeout)
            {
                throw Final(timeout, request, attempt);
            }

            // Read once, by the parser MarketplaceApiException reads it with too: the wait obeyed is the wait reported.
            var requested = RetryAfter.Of(response, _time);
            NoteThrottling(response, requested);
            // A write whose answer came from another request (the GET after a 303) was carried out: never sent again.
            var redirected = response.RequestMessage is { } answered && !ReferenceEquals(answered, request);
            if (attempt >= _maxAttempts || !(isRead ? IsTransient(response.StatusCode) : !redirected && IsRefusedUnprocessed(response.StatusCode) && RequestBody.CanResend(request.Content)))
                return response;
            if (requested is { } wait && wait > _maxRetryAfter) return response;
            var next = requested is { } asked ? asked + Jitter(asked) : Backoff(attempt);
            if (!Fits(next, deadline)) return response;
            response.Dispose();
            await WaitToRetryAsync(request, attempt, null, (int)response.StatusCode, next, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool Fits(TimeSpan wait, DateTimeOffset deadline) => deadline == DateTimeOffset.MaxValue || _time.GetUtcNow() + wait < deadline;

    private Task WaitToRetryAsync(HttpRequestMessage request, int attempt, Exception? failure, int? status, TimeSpan delay, CancellationToken cancellationToken)
    {
        var outcome = status is { } code ? code.ToString(CultureInfo.InvariantCulture) : failure!.GetType().Name;
        MarketplaceDiagnostics.Retrying(RequestState.Operation(request), failure is null ? outcome : MarketplaceDiagnostics.ErrorType(failure, cancellationToken));
        if (_logger is not null)
            LogRetry(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", attempt, outcome, Math.Round(delay.TotalMilliseconds), null);
        return DelayAsync(delay, cancellationToken);
    }

    // The last attempt ran out of time: say so with the request, the limit and how many attempts were made.
    private Exception Final(Exception failure, HttpRequestMessage request, int attempt)
    {
        if (failure is not AttemptTimeoutException timeout)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            return failure;
        }
        return new TimeoutException(
            $"The Marketplace API did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {_attemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" +
            $" (attempts: {attempt}).", timeout);
    }

    private static bool IsRetriable(Exception exception) =>
        exception is TimeoutException || (exception is HttpRequestException && !IsPermanent(exception));

    // Exponential from BaseDelay, doubling per attempt, with ±20% jitter, at most MaxDelay.
    private TimeSpan Backoff(int attempt)
    {
        var exponential = _baseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var jittered = exponential * (0.8 + (0.4 * NextDouble()));
        return TimeSpan.FromTicks((long)Math.Min(jittered, _maxDelay.Ticks));
    }

    // Failures that would repeat identically: retrying only delays them (and downloads an oversized body again).
    internal static bool IsPermanent(Exception exception)
    {
        if (exception is ResponseTooLargeException) return true;
#if NET8_0_OR_GREATER
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ConfigurationLimitExceeded })
            return true;
#endif
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException) return true; // TLS: certificate, protocol
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData })
                return true; // the name does not resolve
        }
        return false;
    }

    // The one answer that says a write was not carried out: 429 Too Many Requests (the platform's rate limit refuses before
    // it processes). Any other error may come after the write took effect.
    internal static bool IsRefusedUnprocessed(HttpStatusCode status) => (int)status == 429;

    internal static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    // Another request of this client was told to wait: this one waits for the same moment instead of adding to the load,
    // as long as that fits the caller's budget (otherwise it goes ahead and gets its own answer).
    private Task HoldOffWhileThrottledAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var throttled = Interlocked.Read(ref _throttledUntilTicks);
        if (throttled == 0) return Task.CompletedTask;
        var until = new DateTimeOffset(throttled, TimeSpan.Zero);
        var wait = until - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero || wait > _maxRetryAfter || until > deadline) return Task.CompletedTask;
        return DelayAsync(wait + Jitter(wait), cancellationToken);
    }

    private void NoteThrottling(HttpResponseMessage response, TimeSpan? requested)
    {
        if ((int)response.StatusCode is not (429 or 503) || requested is not { } wait || wait <= TimeSpan.Zero) return;
        var until = (_time.GetUtcNow() + wait).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _throttledUntilTicks);
            if (current >= until) return;
        }
        while (Interlocked.CompareExchange(ref _throttledUntilTicks, until, current) != current);
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, _time, cancellationToken);
#else
        _time.Delay(delay, cancellationToken);
#endif

    // Up to a tenth of the wait (at most a second) on top of it, so clients throttled together do not return together.
    private static TimeSpan Jitter(TimeSpan wait) => TimeSpan.FromTicks((long)(Math.Min(wait.Ticks / 10, TimeSpan.TicksPerSecond) * NextDouble()));

#if NET6_0_OR_GREATER
    private static double NextDouble() => Random.Shared.NextDouble();
#else
    private static readonly Random SharedRandom = new(Guid.NewGuid().GetHashCode());

    private static double NextDouble()
    {
        lock (SharedRandom) return SharedRandom.NextDouble();
    }
#endif
}
