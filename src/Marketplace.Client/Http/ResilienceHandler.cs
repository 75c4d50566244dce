using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Marketplace.Client.Http;

/// <summary>
/// Sends each attempt under a timeout, reads its whole body inside that attempt, logs it, and retries GET
/// requests on transient failures (Polly). Reading the body here means a connection dropped mid-body, or a
/// server that sends headers and then stalls, is an attempt that failed (and is retried) instead of a hang
/// or an <see cref="System.IO.IOException"/> deep in the JSON reader. Pages are at most 100 items, so holding one in memory is cheap.
/// </summary>
/// <remarks>
/// <c>Retry-After</c> is obeyed, never shortened: a wait the server asks for beyond <see cref="MarketplaceRetryOptions.MaxRetryAfter"/>
/// or beyond what is left of the overall timeout is not waited at all (the 429 or 503 goes back to the caller, as
/// <see cref="MarketplaceApiException.RetryAfter"/>), and a small jitter goes on top so that throttled clients do not
/// all return at the same instant. What one request learns is shared: until the server's <c>Retry-After</c> has
/// passed, no other request of this client (a prefetched page, say) is sent either.
/// </remarks>
internal sealed class ResilienceHandler : DelegatingHandler
{
    private static readonly Action<ILogger, string, string, int, long, int, Exception?> LogAttempt = LoggerMessage.Define<string, string, int, long, int>(
        LogLevel.Debug, new EventId(1, "MarketplaceRequest"), "{Method} {Path} answered {StatusCode} in {ElapsedMs} ms (attempt {Attempt})");

    private static readonly Action<ILogger, string, string, int, string, double, Exception?> LogRetry = LoggerMessage.Define<string, string, int, string, double>(
        LogLevel.Warning, new EventId(2, "MarketplaceRetry"), "{Method} {Path} failed on attempt {Attempt} ({Outcome}); retrying in {DelayMs} ms");

    private readonly MarketplaceClientOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retryPipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> _singleAttemptPipeline;

    // UTC ticks until which the server asked this client to hold off (Retry-After on a 429 or 503); 0 when it did not.
    private long _throttledUntilTicks;

    public ResilienceHandler(MarketplaceClientOptions options, ILogger? logger)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _singleAttemptPipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(options.AttemptTimeout).Build();
        _retryPipeline = options.Retry.Enabled && options.Retry.MaxAttempts > 1
            ? new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(RetryOptions(options.Retry))
                .AddTimeout(options.AttemptTimeout)
                .Build()
            : _singleAttemptPipeline;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var idempotent = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var pipeline = idempotent ? _retryPipeline : _singleAttemptPipeline;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        context.Properties.Set(CallerTokenKey, cancellationToken);
        // HttpClient's overall timeout runs from about here; a wait that would outlast it is not worth starting.
        context.Properties.Set(DeadlineKey, DateTimeOffset.UtcNow + _options.Timeout);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, self) =>
                {
                    // Outcomes, not exceptions, flow through the pipeline: the retry and timeout strategies inspect them.
                    try
                    {
                        return Outcome.FromResult(await self.SendAttemptAsync(ctx).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                this).ConfigureAwait(false);

            return outcome switch
            {
                { Exception: TimeoutRejectedException timeout } => throw new TimeoutException(
                    $"The Marketplace API did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {_options.AttemptTimeout.TotalSeconds:0.###} s" +
                    $" (attempts: {Attempts(context)}).", timeout),
                { Exception: { } exception } => throw Rethrow(exception),
                _ => outcome.Result!,
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Marketplace.Request");
    private static readonly ResiliencePropertyKey<int> AttemptKey = new("Marketplace.Attempt");
    private static readonly ResiliencePropertyKey<DateTimeOffset> DeadlineKey = new("Marketplace.Deadline");
    private static readonly ResiliencePropertyKey<CancellationToken> CallerTokenKey = new("Marketplace.CallerToken");

    private static int Attempts(ResilienceContext context) => context.Properties.GetValue(AttemptKey, 0);

    private async ValueTask<HttpResponseMessage> SendAttemptAsync(ResilienceContext context)
    {
        var request = context.Properties.GetValue(RequestKey, null!);
        var attempt = Attempts(context) + 1;
        context.Properties.Set(AttemptKey, attempt);
        await HoldOffWhileThrottledAsync(context).ConfigureAwait(false);

        // The attempt's span (a child of the operation's) and its trace context on the wire; its duration for the metric.
        var operation = RequestState.Operation(request);
        using var activity = MarketplaceDiagnostics.StartAttempt(request, operation, RequestState.CountSend(request));
        MarketplaceDiagnostics.Propagate(request, activity);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await ReceiveAsync(request, context, started, attempt).ConfigureAwait(false);
            MarketplaceDiagnostics.AttemptAnswered(activity, request, operation, (int)response.StatusCode, started);
            return response;
        }
        catch (Exception ex)
        {
            MarketplaceDiagnostics.AttemptFailed(activity, request, operation, ex, started, context.Properties.GetValue(CallerTokenKey, default));
            throw;
        }
    }

    private async Task<HttpResponseMessage> ReceiveAsync(HttpRequestMessage request, ResilienceContext context, long started, int attempt)
    {
        var response = await base.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
        NoteThrottling(response);
        // A stream is read by its consumer as it arrives, outside the attempt (and its timeout).
        if (RequestState.IsStreaming(request) && response.IsSuccessStatusCode)
        {
            LogAttempt(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", (int)response.StatusCode,
                (long)((Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency), attempt, null);
            return response;
        }

        try
        {
            if (response.Content?.Headers.ContentLength is { } declared && declared > _options.MaxResponseBytes)
                throw TooLarge(request, declared + " bytes", null);
            await LoadBodyAsync(response, _options.MaxResponseBytes, context.CancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (IsOverTheLimit(ex))
        {
            response.Dispose();
            throw TooLarge(request, "more", ex);
        }
        catch (Exception ex) when ((ex is System.IO.IOException || ex is HttpRequestException) && ex is not ResponseTooLargeException)
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

        var elapsedMs = (long)((Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency);
        LogAttempt(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", (int)response.StatusCode, elapsedMs, attempt, null);
        return response;
    }

    private ResponseTooLargeException TooLarge(HttpRequestMessage request, string size, Exception? inner) => new(
        $"The response to {request.Method} {request.RequestUri?.AbsolutePath} is {size} than {nameof(MarketplaceClientOptions.MaxResponseBytes)} " +
        $"({_options.MaxResponseBytes} bytes). Raise {nameof(MarketplaceClientOptions)}.{nameof(MarketplaceClientOptions.MaxResponseBytes)}, " +
        "or ask for less (a smaller limit, select=-field). It is not retried: it would be the same size again.",
        inner);

    private static bool IsOverTheLimit(HttpRequestException exception) =>
#if NET8_0_OR_GREATER
        exception.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded;
#else
        // Older runtimes say it only in words: "Cannot write more bytes to the buffer than the configured maximum buffer size".
        exception.Message.IndexOf("buffer size", StringComparison.OrdinalIgnoreCase) >= 0;
#endif

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

    // Another request of this client was told to wait: this one waits for the same moment instead of adding to the load,
    // as long as that fits the caller's budget (otherwise it goes ahead and gets its own answer).
    private async Task HoldOffWhileThrottledAsync(ResilienceContext context)
    {
        var until = new DateTimeOffset(Interlocked.Read(ref _throttledUntilTicks), TimeSpan.Zero);
        var wait = until - DateTimeOffset.UtcNow;
        if (wait <= TimeSpan.Zero || wait > _options.Retry.MaxRetryAfter || until > context.Properties.GetValue(DeadlineKey, DateTimeOffset.MaxValue)) return;
        await Task.Delay(wait + Jitter(wait), context.CancellationToken).ConfigureAwait(false);
    }

    private void NoteThrottling(HttpResponseMessage response)
    {
        if ((int)response.StatusCode is not (429 or 503) || RequestedWait(response) is not { } wait || wait <= TimeSpan.Zero) return;
        var until = (DateTimeOffset.UtcNow + wait).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _throttledUntilTicks);
            if (current >= until) return;
        }
        while (Interlocked.CompareExchange(ref _throttledUntilTicks, until, current) != current);
    }

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

    private RetryStrategyOptions<HttpResponseMessage> RetryOptions(MarketplaceRetryOptions retry) => new()
    {
        MaxRetryAttempts = retry.MaxAttempts - 1,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = retry.BaseDelay,
        MaxDelay = retry.MaxDelay,
        ShouldHandle = args => new ValueTask<bool>(args.Outcome switch
        {
            { Exception: { } permanent } when IsPermanent(permanent) => false,
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            { Result: { } response } => IsTransient(response.StatusCode) && WaitFits(RequestedWait(response), retry, args.Context),
            _ => false,
        }),
        // The server's Retry-After, never less, plus a little jitter; none: Polly's exponential backoff with jitter.
        DelayGenerator = args => new ValueTask<TimeSpan?>(RequestedWait(args.Outcome.Result) is { } wait ? wait + Jitter(wait) : null),
        OnRetry = args =>
        {
            var request = args.Context.Properties.GetValue(RequestKey, null!);
            var outcome = args.Outcome.Exception is { } ex ? ex.GetType().Name : ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture);
            MarketplaceDiagnostics.Retrying(
                RequestState.Operation(request),
                args.Outcome.Exception is { } failure
                    ? MarketplaceDiagnostics.ErrorType(failure is TimeoutRejectedException ? new TimeoutException() : failure, args.Context.Properties.GetValue(CallerTokenKey, default))
                    : outcome);
            LogRetry(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", args.AttemptNumber + 1, outcome, args.RetryDelay.TotalMilliseconds, null);
            args.Outcome.Result?.Dispose();
            return default;
        },
    };

    internal static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    // A wait the server asks for is either obeyed in full or not at all: beyond the cap, or beyond what is left of the
    // overall timeout, the response goes back to the caller (MarketplaceApiException.RetryAfter says how long to wait).
    private static bool WaitFits(TimeSpan? wait, MarketplaceRetryOptions retry, ResilienceContext context) =>
        wait is not { } requested
        || (requested <= retry.MaxRetryAfter && DateTimeOffset.UtcNow + requested < context.Properties.GetValue(DeadlineKey, DateTimeOffset.MaxValue));

    // Retry-After is either seconds or an HTTP date. Null when there is none.
    internal static TimeSpan? RequestedWait(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        var wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    // Up to a tenth of the wait (at most a second) on top of it, so clients throttled together do not return together.
#if NET6_0_OR_GREATER
    private static TimeSpan Jitter(TimeSpan wait) => TimeSpan.FromTicks((long)(Math.Min(wait.Ticks / 10, TimeSpan.TicksPerSecond) * Random.Shared.NextDouble()));
#else
    private static readonly Random SharedRandom = new(Guid.NewGuid().GetHashCode());

    private static TimeSpan Jitter(TimeSpan wait)
    {
        double fraction;
        lock (SharedRandom) fraction = SharedRandom.NextDouble();
        return TimeSpan.FromTicks((long)(Math.Min(wait.Ticks / 10, TimeSpan.TicksPerSecond) * fraction));
    }
#endif

    private static Exception Rethrow(Exception exception)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception).Throw();
        return exception;
    }

    // A body larger than MaxResponseBytes: an HttpRequestException (as the runtime's own would be) that is never retried.
    private sealed class ResponseTooLargeException : HttpRequestException
    {
        public ResponseTooLargeException(string message, Exception? inner) : base(message, inner) { }
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
