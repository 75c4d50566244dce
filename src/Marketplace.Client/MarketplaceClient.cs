using System;
using System.Net.Http;
using Marketplace.Client.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient: construction (from MarketplaceClientOptions, with the pipeline of token,
// user agent, retries, timeouts and logging that a generator cannot know about; or over a caller's HttpClient). The
// operations themselves are generated (Marketplace.Client.Generators, from the operations NSwag reads from the spec):
// each builds its MarketplaceRequest and sends it with SendAsync (Http/MarketplaceClient.Send.cs).
/// <summary>
/// The Marketplace Platform API client. One method per operation (generated from the spec), plus, for every
/// collection, an overload that takes an RQL query and a <c>ListAll…Async</c> enumeration that pages for you.
/// Create it from <see cref="MarketplaceClientOptions"/>,
/// from your own <see cref="HttpClient"/> (whose <see cref="HttpClient.BaseAddress"/> and headers you then own),
/// or through <c>services.AddMarketplaceClient</c>. Thread-safe; meant to be long-lived.
/// </summary>
public partial class MarketplaceClient : IDisposable
{
    private readonly HttpClient _httpClient;
    private readonly HttpClient? _ownedHttpClient;

    // How long a body read as it arrives may go without a byte (MarketplaceClientOptions.ReadTimeout), on whose clock.
    private readonly TimeSpan _readTimeout = MarketplaceClientOptions.DefaultReadTimeout;
    private readonly TimeProvider _time = TimeProvider.System;

    // The longest streamed record read (MarketplaceClientOptions.MaxResponseBytes, in characters).
    private readonly long _maxResponseBytes = MarketplaceClientOptions.DefaultMaxResponseBytes;

    /// <summary>
    /// Creates a client over <paramref name="httpClient"/>, which you own and configure: its
    /// <see cref="HttpClient.BaseAddress"/> (e.g. <c>https://api.platform.softwareone.com/</c>), its
    /// <c>Authorization</c> header and its handlers. The client's pipeline is <b>not</b> in it: no token, retries,
    /// attempt timeouts, size cap, tracing of attempts, logging or redirect checks; only what
    /// <paramref name="httpClient"/>'s own handlers do. To keep the pipeline over a handler of your own (a proxy, a test
    /// transport), set <see cref="MarketplaceClientOptions.Transport"/> and use the options constructor instead.
    /// Disposing the client leaves <paramref name="httpClient"/> alone.
    /// </summary>
    /// <param name="httpClient">The HTTP client to send requests with.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    public MarketplaceClient(HttpClient httpClient)
    {
        if (httpClient is null) throw new ArgumentNullException(nameof(httpClient));
        _httpClient = httpClient;
    }

    /// <summary>
    /// Creates a client for the API and token in <paramref name="options"/>, with retries, timeouts and
    /// logging as configured. Dispose it when done; prefer one long-lived client (or
    /// <c>services.AddMarketplaceClient</c>) to one per call.
    /// </summary>
    /// <param name="options">The settings; <see cref="MarketplaceClientOptions.Token"/> defaults to <c>MPT_API_TOKEN</c>.</param>
    /// <param name="loggerFactory">Where requests and retries are logged (method, path, status, time; never the token), or <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">No token, or a base URI that is neither https nor loopback. Nothing has been sent.</exception>
    public MarketplaceClient(MarketplaceClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(CreateHttpClient(options, loggerFactory), options)
    {
        _ownedHttpClient = _httpClient;
    }

    // The options' paging and read settings over a given HttpClient (checked by MarketplaceHttp.Validate, which both
    // callers run first). IHttpClientFactory uses it directly: the factory owns
    // that HttpClient and its handlers.
    internal MarketplaceClient(HttpClient httpClient, MarketplaceClientOptions options)
        : this(httpClient)
    {
        _pageSize = options.PageSize;
        _prefetchPages = options.PrefetchPages;
        _maxItemsWithoutTotal = options.MaxItemsWithoutTotal;
        _readTimeout = options.ReadTimeout;
        _maxResponseBytes = options.MaxResponseBytes;
        _time = options.TimeProvider ?? TimeProvider.System;
    }

    private static HttpClient CreateHttpClient(MarketplaceClientOptions options, ILoggerFactory? loggerFactory)
    {
        MarketplaceHttp.Validate(options);
        var http = new HttpClient(MarketplaceHttp.CreatePipeline(options, loggerFactory), disposeHandler: true);
        MarketplaceHttp.Configure(http, options);
        return http;
    }

    // Every path parameter of every generated operation goes through here before anything is sent. Uri.EscapeDataString
    // leaves "." and ".." as they are and the URI then resolves them (extensions/../instances is /instances); an empty
    // or blank value leaves an empty segment. Each would quietly address another endpoint. The test server's seeding
    // (Marketplace.Client.Testing) refuses the same values with this same check.
    internal static void RequirePathSegment(string value, string parameterName)
    {
        if (value is null) throw new ArgumentNullException(parameterName);
        if (value.Length == 0 || value == "." || value == ".." || string.IsNullOrWhiteSpace(value))
            throw new ArgumentException(
                $"'{value}' cannot be {parameterName}: an empty, blank, '.' or '..' path segment would send the request to another endpoint.",
                parameterName);
    }

    /// <summary>Releases the HTTP connections if this client created them; a client built on your <see cref="HttpClient"/> leaves it alone.</summary>
    public void Dispose()
    {
        _ownedHttpClient?.Dispose();
        GC.SuppressFinalize(this);
    }
}
