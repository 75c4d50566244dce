using System;
using System.Collections.Generic;
using System.Net.Http;

namespace Marketplace.Client;

/// <summary>
/// Everything that configures a <see cref="MarketplaceClient"/>: where the API is, the token, retries,
/// timeouts and the page size of the <c>ListAll…Async</c> methods. Bindable from configuration.
/// </summary>
public sealed class MarketplaceClientOptions
{
    /// <summary>The public Marketplace Platform API.</summary>
    public static readonly Uri DefaultBaseUri = new("https://api.platform.softwareone.com/");

    /// <summary>The environment variable the token is read from by default (as in the official Python client).</summary>
    public const string TokenEnvironmentVariable = "MPT_API_TOKEN";

    /// <summary>The largest page the API serves; larger limits are capped by the server.</summary>
    public const int MaxPageSize = 100;

    /// <summary>How many page requests a <c>ListAll…Async</c> enumeration keeps in flight by default.</summary>
    public const int DefaultPrefetchPages = 4;

    /// <summary>The default of <see cref="MaxItemsWithoutTotal"/>: one million items (10,000 pages of 100).</summary>
    public const long DefaultMaxItemsWithoutTotal = 1_000_000;

    private int _pageSize = MaxPageSize;
    private int _prefetchPages = DefaultPrefetchPages;
    private long _maxItemsWithoutTotal = DefaultMaxItemsWithoutTotal;

    /// <summary>
    /// The API's address. Must be <c>https</c>, except for a loopback address (tests, local stand-ins).
    /// Default: <see cref="DefaultBaseUri"/>.
    /// </summary>
    public Uri BaseUri { get; set; } = DefaultBaseUri;

    /// <summary>
    /// The API token (<c>idt:TKN-…</c>) or an extension/installation JWT, sent as <c>Authorization: Bearer</c>.
    /// Default: the <c>MPT_API_TOKEN</c> environment variable, read when the options are created.
    /// It never appears in <see cref="ToString"/>, exception messages or log lines.
    /// </summary>
    public string? Token { get; set; } = Environment.GetEnvironmentVariable(TokenEnvironmentVariable);

    /// <summary>
    /// Where tokens come from when they change (short-lived, per account, from a vault): the client asks it for a token,
    /// keeps it until it is about to expire or the server rejects it (401: then it asks for a new one and sends the request
    /// again, once). When set, <see cref="Token"/> is not used. Default: none. With <c>AddMarketplaceClient</c>, an
    /// <see cref="IMarketplaceTokenProvider"/> registered in the container is used when this is not set.
    /// </summary>
    public IMarketplaceTokenProvider? TokenProvider { get; set; }

    /// <summary>How many items each request of a <c>ListAll…Async</c> enumeration asks for, 1 to 100. Default: 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to 100.</exception>
    public int PageSize
    {
        get => _pageSize;
        set => _pageSize = value is >= 1 and <= MaxPageSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"The page size must be 1 to {MaxPageSize}.");
    }

    /// <summary>
    /// How many requests a <c>ListAll…Async</c> enumeration keeps in flight once the first page has told the total:
    /// the next pages are requested while you process the current one, and handed out in server order. Memory holds
    /// at most this many pages waiting, plus the one you are working on. 1 fetches strictly one page after another.
    /// Default: 4; at most 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to 16.</exception>
    public int PrefetchPages
    {
        get => _prefetchPages;
        set => _prefetchPages = value is >= 1 and <= 16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Prefetch must be 1 (sequential) to 16 pages.");
    }

    /// <summary>
    /// The most items a <c>ListAll…Async</c> enumeration reads from a collection whose server reports no total before it
    /// stops with <see cref="MarketplaceApiException"/>: without a total, only a short page ends the enumeration, and a
    /// server that never sends one would otherwise be read forever. Default: <see cref="DefaultMaxItemsWithoutTotal"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public long MaxItemsWithoutTotal
    {
        get => _maxItemsWithoutTotal;
        set => _maxItemsWithoutTotal = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least 1.");
    }

    /// <summary>
    /// The longest a single attempt may take, up to its whole body being read. Default: 30 seconds.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (or anything over 24.8 days, such as <see cref="TimeSpan.MaxValue"/>) for no limit.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest one call may take with all its retries, until its response headers arrive
    /// (<see cref="System.Net.Http.HttpClient.Timeout"/>). Default: 100 seconds.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (or anything over 24.8 days, such as <see cref="TimeSpan.MaxValue"/>) for no limit.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long a body read as it arrives (a <c>StreamAll…Async</c> stream, a file download) may go without a byte before
    /// the read fails: a stream ends with <see cref="MarketplaceApiException"/> saying how many records arrived, a download's
    /// read with an <see cref="System.IO.IOException"/> saying how many bytes did. <see cref="AttemptTimeout"/> and
    /// <see cref="Timeout"/> end when the headers arrive; this keeps a half-dead connection from holding a reader forever.
    /// Default: 120 seconds, as the platform's official client. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (or anything over
    /// 24.8 days) for no limit.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = DefaultReadTimeout;

    /// <summary>The default <see cref="ReadTimeout"/>: 120 seconds.</summary>
    public static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The largest response body the client reads, in bytes; a larger one fails the call. In a stream, the longest record
    /// (line), in characters: a longer one, or a body that never sends a line break, ends the stream with
    /// <see cref="MarketplaceApiException"/>. Default: 64 MiB.
    /// </summary>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    internal const long DefaultMaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>How GET requests are retried on transient failures.</summary>
    public MarketplaceRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// The handler at the bottom of the client's pipeline, the one that sends requests: a proxy's handler, a test's
    /// in-memory one, a <c>SocketsHttpHandler</c> set up your way. Every handler of the client (token, retries,
    /// tracing, logging, buffering, redirects) runs above it. You own it: disposing the client leaves it alone, so one
    /// can serve several clients. Keep its automatic redirects off (the client follows redirects itself, and only to the
    /// same origin, since the request carries the token). Default: <see langword="null"/>, a pooled handler of the
    /// client's own (connections recycled every 5 minutes, gzip, deflate and brotli accepted).
    /// </summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>
    /// The clock that every wait and timeout of the pipeline reads: back-off and <c>Retry-After</c> waits, the
    /// attempt timeout, and the deadline that decides whether a wait still fits. A test passes a fake one
    /// (<c>FakeTimeProvider</c>) and moves time instead of waiting it out. Default: <see cref="System.TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal List<(Func<DelegatingHandler> Create, MarketplaceHandlerPosition Position)> Handlers { get; } = new();

    /// <summary>
    /// Adds a handler of your own to the client's pipeline: <see cref="MarketplaceHandlerPosition.PerCall"/> runs once per
    /// call, above the retries (it sees the request once and the final response); <see cref="MarketplaceHandlerPosition.PerRetry"/>
    /// runs for every attempt, inside its span and log line, and sees each attempt's response with its body already read.
    /// Handlers of the same position run in the order they were added.
    /// </summary>
    /// <param name="create">
    /// Makes a new instance of the handler. A factory rather than an instance because a <see cref="DelegatingHandler"/>
    /// belongs to one pipeline, and <c>AddMarketplaceClient</c> builds a new pipeline whenever <c>IHttpClientFactory</c>
    /// recycles its handlers.
    /// </param>
    /// <param name="position">Where in the pipeline it runs.</param>
    /// <returns>These options, to chain calls.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is not a defined position.</exception>
    public MarketplaceClientOptions AddHandler(Func<DelegatingHandler> create, MarketplaceHandlerPosition position)
    {
        if (create is null) throw new ArgumentNullException(nameof(create));
        if (position is not (MarketplaceHandlerPosition.PerCall or MarketplaceHandlerPosition.PerRetry))
            throw new ArgumentOutOfRangeException(nameof(position), position, "PerCall or PerRetry.");
        Handlers.Add((create, position));
        return this;
    }

    /// <summary>Shows the settings, with the token masked.</summary>
    public override string ToString() =>
        $"BaseUri={BaseUri}, Token={(string.IsNullOrEmpty(Token) ? "(none)" : "***")}, TokenProvider={(TokenProvider is null ? "(none)" : TokenProvider.GetType().Name)}, PageSize={PageSize}, PrefetchPages={PrefetchPages}, " +
        $"AttemptTimeout={AttemptTimeout}, Timeout={Timeout}, ReadTimeout={ReadTimeout}, Retry=({Retry})" +
        (Transport is null ? "" : $", Transport={Transport.GetType().Name}") + (Handlers.Count == 0 ? "" : $", Handlers={Handlers.Count}");
}

/// <summary>Where a handler added with <see cref="MarketplaceClientOptions.AddHandler"/> runs in the client's pipeline.</summary>
public enum MarketplaceHandlerPosition
{
    /// <summary>Once per call, above the retries: it sees the request once and the response the caller gets.</summary>
    PerCall,

    /// <summary>Once per attempt, below the retries: it sees every attempt, inside the attempt's span and log line.</summary>
    PerRetry,
}
