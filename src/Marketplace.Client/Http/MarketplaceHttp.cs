using System;
using System.Net.Http;
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
        if (options.AttemptTimeout <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
            throw new InvalidOperationException("Timeouts must be positive.");
        if (options.Retry is null || options.Retry.MaxAttempts < 1)
            throw new InvalidOperationException($"{nameof(MarketplaceRetryOptions.MaxAttempts)} must be at least 1.");
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

    /// <summary>The handlers, outermost first: authentication and user agent (once per call), retries and per-attempt logging, redirects.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Where to log, or <see langword="null"/>.</param>
    /// <param name="token">Where each request's token comes from; <see langword="null"/>: the token in <paramref name="options"/>.</param>
    /// <param name="provider">Where each request's token provider comes from; <see langword="null"/>: the provider in <paramref name="options"/>.</param>
    public static DelegatingHandler[] CreateHandlers(
        MarketplaceClientOptions options, ILoggerFactory? loggerFactory, Func<string?>? token = null, Func<IMarketplaceTokenProvider?>? provider = null)
    {
        var fixedToken = options.Token;
        var fixedProvider = options.TokenProvider;
        return new DelegatingHandler[]
        {
            new BearerTokenHandler(token ?? (() => fixedToken), provider ?? (() => fixedProvider)),
            new ResilienceHandler(options, loggerFactory?.CreateLogger(LoggerCategory)),
            new RedirectHandler(),
        };
    }

    /// <summary>The handlers of <see cref="CreateHandlers"/> chained in front of <paramref name="primary"/>.</summary>
    public static HttpMessageHandler CreatePipeline(MarketplaceClientOptions options, ILoggerFactory? loggerFactory, HttpMessageHandler primary)
    {
        var inner = primary;
        var handlers = CreateHandlers(options, loggerFactory);
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = inner;
            inner = handlers[i];
        }
        return inner;
    }

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
        http.Timeout = options.Timeout;
    }
}
