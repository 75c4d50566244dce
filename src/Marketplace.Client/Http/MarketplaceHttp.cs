using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Marketplace.Client.Http;

/// <summary>
/// The one place that turns <see cref="MarketplaceClientOptions"/> into an HTTP pipeline, shared by the
/// options constructor and the IHttpClientFactory registration so both behave the same.
/// </summary>
internal static class MarketplaceHttp
{
    internal const string LoggerCategory = "Marketplace.Client";

    /// <summary>Checks the options before anything is sent, with messages that say what to change.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No token, or a base URI that would send it in clear text.</exception>
    public static void Validate(MarketplaceClientOptions options, bool providerRegistered = false)
    {
        if (options is null) throw new ArgumentNullException(nameof(options));
        // With a provider, its tokens are checked as they come.
        if (options.TokenProvider is null && !providerRegistered) ValidateToken(options.Token);
        var uri = options.BaseUri ?? throw new InvalidOperationException($"{nameof(MarketplaceClientOptions.BaseUri)} is not set.");
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            throw new InvalidOperationException(
                $"{nameof(MarketplaceClientOptions.BaseUri)} must be an absolute https URI (http only for a loopback address), not '{uri}': the token must not travel in clear text.");
        CheckTimeout(options.AttemptTimeout, nameof(MarketplaceClientOptions.AttemptTimeout));
        CheckTimeout(options.Timeout, nameof(MarketplaceClientOptions.Timeout));
        CheckTimeout(options.ReadTimeout, nameof(MarketplaceClientOptions.ReadTimeout));
        if (options.Retry is null || options.Retry.MaxAttempts < 1)
            throw new InvalidOperationException($"{nameof(MarketplaceRetryOptions.MaxAttempts)} must be at least 1.");
    }

    /// <summary>
    /// The longest timeout that timers and <see cref="HttpClient.Timeout"/> take (about 24.8 days); a longer one, such as
    /// <see cref="TimeSpan.MaxValue"/>, means no limit, as <see cref="Timeout.InfiniteTimeSpan"/> does.
    /// </summary>
    public static readonly TimeSpan LongestTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>A timeout as the timers take it: longer than <see cref="LongestTimeout"/> is <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static TimeSpan Limit(TimeSpan timeout) => timeout > LongestTimeout ? Timeout.InfiniteTimeSpan : timeout;

    /// <summary>Whether <paramref name="timeout"/> is one: positive, or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    public static bool IsTimeout(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan || timeout > TimeSpan.Zero;

    /// <summary>A source cancelled when <paramref name="delay"/> has passed on <paramref name="time"/>.</summary>
    public static CancellationTokenSource CancelAfter(TimeSpan delay, TimeProvider time) =>
#if NET8_0_OR_GREATER
        new(delay, time);
#else
        time.CreateCancellationTokenSource(delay);
#endif

    private static void CheckTimeout(TimeSpan timeout, string name)
    {
        if (!IsTimeout(timeout))
            throw new InvalidOperationException(
                $"{name} must be positive, or Timeout.InfiniteTimeSpan for no limit; it is {timeout}.");
    }

    /// <summary>Checks a token before it is sent: present, and nothing an HTTP header cannot carry.</summary>
    /// <exception cref="InvalidOperationException">It is missing or holds whitespace, a control character or non-ASCII.</exception>
    public static void ValidateToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
            throw new InvalidOperationException(
                $"No Marketplace API token: set {nameof(MarketplaceClientOptions)}.{nameof(MarketplaceClientOptions.Token)}, " +
                $"the {MarketplaceClientOptions.TokenEnvironmentVariable} environment variable, or a {nameof(MarketplaceClientOptions.TokenProvider)}.");
        foreach (var c in token!)
        {
            // A header value is visible ASCII; anything else would fail every attempt (or split the header).
            if (c <= ' ' || c > '~')
                throw new InvalidOperationException(
                    "The Marketplace API token holds a character that cannot go into an HTTP header (whitespace, a control character or non-ASCII). Check how it was copied.");
        }
    }

    /// <summary>
    /// The client's handlers, outermost first: the one list of the pipeline, for the options constructor and for
    /// <c>AddMarketplaceClient</c>. Why this order:
    /// <list type="number">
    /// <item><see cref="BearerTokenHandler"/>: once per call, so a token is fetched once and masked out of the final
    /// response; its resend after a 401 with a refreshed token goes through the retries below like any call.</item>
    /// <item>The caller's <see cref="MarketplaceHandlerPosition.PerCall"/> handlers: they see the call once.</item>
    /// <item><see cref="RetryHandler"/>: everything below it runs once per attempt.</item>
    /// <item><see cref="TracingHandler"/>: one span per attempt, so its duration and outcome cover all that follows.</item>
    /// <item><see cref="LoggingHandler"/> (only with a logger): inside the attempt's span, so its lines carry its trace id.</item>
    /// <item>The caller's <see cref="MarketplaceHandlerPosition.PerRetry"/> handlers: every attempt, traced and logged,
    /// with bodies already read.</item>
    /// <item><see cref="BufferingHandler"/>: the attempt timeout and the body read, so a failure while reading is this
    /// attempt's failure (retried above), and the size cap applies before anything parses.</item>
    /// <item><see cref="RedirectHandler"/>: last, so a followed redirect is part of the same attempt and the token never
    /// leaves the origin.</item>
    /// </list>
    /// Below them: <see cref="MarketplaceClientOptions.Transport"/>, or <see cref="CreatePrimaryHandler"/>.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Where to log, or <see langword="null"/> (no logging handler).</param>
    /// <param name="token">Where each request's token comes from; <see langword="null"/>: the token in <paramref name="options"/>.</param>
    /// <param name="provider">Where each request's token provider comes from; <see langword="null"/>: the provider in <paramref name="options"/>.</param>
    public static List<DelegatingHandler> CreateHandlers(
        MarketplaceClientOptions options, ILoggerFactory? loggerFactory, Func<string?>? token = null, Func<IMarketplaceTokenProvider?>? provider = null)
    {
        var fixedToken = options.Token;
        var fixedProvider = options.TokenProvider;
        var time = options.TimeProvider ?? TimeProvider.System;
        var logger = loggerFactory?.CreateLogger(LoggerCategory);
        var handlers = new List<DelegatingHandler> { new BearerTokenHandler(token ?? (() => fixedToken), provider ?? (() => fixedProvider), time) };
        AddOwn(handlers, options, MarketplaceHandlerPosition.PerCall);
        handlers.Add(new RetryHandler(options, time, logger));
        handlers.Add(new TracingHandler());
        if (logger is not null) handlers.Add(new LoggingHandler(logger));
        AddOwn(handlers, options, MarketplaceHandlerPosition.PerRetry);
        handlers.Add(new BufferingHandler(Limit(options.AttemptTimeout), options.MaxResponseBytes, time));
        handlers.Add(new RedirectHandler());
        return handlers;
    }

    private static void AddOwn(List<DelegatingHandler> handlers, MarketplaceClientOptions options, MarketplaceHandlerPosition position)
    {
        foreach (var (create, at) in options.Handlers)
        {
            if (at != position) continue;
            var handler = create() ?? throw new InvalidOperationException($"A handler factory given to {nameof(MarketplaceClientOptions)}.{nameof(MarketplaceClientOptions.AddHandler)} returned null.");
            if (handler.InnerHandler is not null)
                throw new InvalidOperationException(
                    $"The handler {handler.GetType().Name} given to {nameof(MarketplaceClientOptions)}.{nameof(MarketplaceClientOptions.AddHandler)} already has an inner handler: " +
                    "the factory must make a new handler each time.");
            handlers.Add(handler);
        }
    }

    /// <summary>
    /// The handlers of <see cref="CreateHandlers"/> chained in front of <see cref="MarketplaceClientOptions.Transport"/>
    /// (left undisposed: the caller owns it) or a new <see cref="CreatePrimaryHandler"/> (disposed with the pipeline).
    /// </summary>
    public static HttpMessageHandler CreatePipeline(MarketplaceClientOptions options, ILoggerFactory? loggerFactory)
    {
        var handlers = CreateHandlers(options, loggerFactory);
        var last = handlers[handlers.Count - 1];
        if (options.Transport is { } transport)
        {
            last.InnerHandler = transport;
            ((RedirectHandler)last).LeaveInnerHandlerUndisposed();
        }
        else
        {
            last.InnerHandler = CreatePrimaryHandler();
        }
        for (var i = handlers.Count - 2; i >= 0; i--) handlers[i].InnerHandler = handlers[i + 1];
        return handlers[0];
    }

    /// <summary>
    /// The bottom of an <c>IHttpClientFactory</c> pipeline: <see cref="MarketplaceClientOptions.Transport"/> behind a
    /// handler that does not dispose it when the factory recycles the pipeline, or a new <see cref="CreatePrimaryHandler"/>.
    /// </summary>
    public static HttpMessageHandler CreateTransport(MarketplaceClientOptions options) =>
        options.Transport is { } transport ? new CallerOwnedTransport(transport) : CreatePrimaryHandler();

    /// <summary>
    /// The handler that opens connections: pooled sockets recycled every 5 minutes (DNS changes are seen), compressed
    /// responses accepted, no automatic redirects (<see cref="RedirectHandler"/> decides where the token may go).
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler() =>
#if NET5_0_OR_GREATER
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = System.Net.DecompressionMethods.All, AllowAutoRedirect = false };
#else
        new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate, AllowAutoRedirect = false };
#endif

    /// <summary>Sets the base address (with the trailing slash relative paths need) and the overall timeout.</summary>
    public static void Configure(HttpClient http, MarketplaceClientOptions options)
    {
        var baseUri = options.BaseUri.AbsoluteUri;
        http.BaseAddress = new Uri(baseUri[baseUri.Length - 1] == '/' ? baseUri : baseUri + "/");
        http.Timeout = Limit(options.Timeout);
    }

    // The caller's transport under a pipeline that IHttpClientFactory disposes when it recycles handlers: an invoker that
    // does not dispose it, so it stays usable for the next pipeline and for the caller.
    private sealed class CallerOwnedTransport : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _transport;

        public CallerOwnedTransport(HttpMessageHandler transport) => _transport = new HttpMessageInvoker(transport, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _transport.SendAsync(request, cancellationToken);
    }
}
