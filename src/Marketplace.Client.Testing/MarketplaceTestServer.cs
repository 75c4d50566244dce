using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Newtonsoft.Json.Linq;
using WireMock.Server;

namespace Marketplace.Client.Testing;

/// <summary>
/// An in-process stand-in for the Marketplace Platform API, for tests of code that uses <see cref="MarketplaceClient"/>:
/// a WireMock.Net server on a free loopback port that pages and streams the collections you seed as the platform does,
/// fails on demand, plays sessions recorded with the sample's <c>record</c> command, and shows what the client sent.
/// </summary>
/// <remarks>
/// <para>
/// Seed a collection with its <c>Add…</c> method (one per collection the client lists, generated from the same spec:
/// <c>AddExtensionInstances(extensionId, items)</c> for <c>ListAllExtensionInstancesAsync</c>). The server then answers
/// that path as the platform does: <c>limit</c> (at most 100; 10 when not sent) and <c>offset</c>,
/// <c>$meta.pagination</c> with the total, <c>limit=0</c> for a count, <c>400</c> problem details for a limit or offset
/// that is not a number, <c>401</c> without a bearer token, and the streaming mode (<c>MPT-Streaming: true</c>, JSON lines,
/// <c>MPT-Item-Count</c>).
/// </para>
/// <para>
/// List requests are answered with the items their RQL selects, evaluated on the seeded items by the platform's rules:
/// the filter (<c>eq ne gt ge lt le like ilike in out and or not any all</c>, <c>null()</c>, <c>empty()</c>,
/// <c>field=value</c>, <c>,</c>/<c>&amp;</c> as and, <c>;</c>/<c>|</c> as or), <c>order=-a,+b</c>, <c>select=+f,-f</c>
/// (with <c>$meta.omitted</c>, and <see cref="OmitByDefault"/>), the total of <c>limit=0</c>, and streams, over the same
/// selected, ordered items. A query the platform refuses (an unbalanced parenthesis, an unterminated quote, an unknown
/// operator, <c>rql=</c> as a named parameter, a value that cannot be read as its field's type) is answered with 400 problem
/// details that name the problem. Values are typed by the seeded JSON: numbers as numbers, ISO 8601 date-times as instants,
/// other text ordinally (case-sensitive: the platform's database collation is not known here); a field no item has is null.
/// Where that is not what your production data does, plug in your own rule with <see cref="FilterWith"/>.
/// </para>
/// <para>
/// Every seeded collection takes the writes the platform answers for every collection: <c>POST</c> to its path adds the
/// body with a new ID in the shape of the seeded IDs (201, the stored item); <c>GET</c>, <c>PUT</c> and <c>DELETE</c> at
/// <c>{path}/{id}</c> answer the item (200), replace the fields the body gives (200) and delete it (204); an unknown ID is
/// a platform-shaped 404, a body that is not a JSON object a 400. Actions (<c>POST {path}/{id}/disconnect</c>) and files
/// are not known here: answer them with a stub on <see cref="WireMockServer"/>.
/// </para>
/// <para>Thread-safe: seed, fail and read requests while a client is enumerating.</para>
/// </remarks>
/// <example><code>
/// await using var server = MarketplaceTestServer.Start();
/// server.AddExtensionInstances("EXT-6822-9898-4256", instances);
/// using var client = server.CreateClient();
/// </code></example>
public sealed partial class MarketplaceTestServer : IAsyncDisposable, IDisposable
{
    /// <summary>The token the clients of <see cref="CreateClient"/> send (a platform-shaped API token that grants nothing).</summary>
    public const string Token = "idt:TKN-0000-0000:marketplace-test-server";

    /// <summary>How many items a page request without <c>limit</c> gets (the platform picks a small default, too).</summary>
    public const int DefaultPageSize = 10;

    private readonly WireMockServer _server;
    private readonly TestServerFront _front;
    private readonly ConcurrentDictionary<string, SeededCollection> _collections = new(StringComparer.Ordinal);
    private readonly TestServerFaults _faults = new();
    private readonly TestServerSettings _settings = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private MarketplaceTestServer()
    {
        _server = WireMockServer.Start();
        try
        {
            TestServerDispatch.Register(_server, _collections, _faults, _settings);
            _front = new TestServerFront(new Uri(_server.Url!), _faults);
        }
        catch
        {
            _server.Dispose();
            throw;
        }
    }

    /// <summary>Starts a server on a free loopback port. Dispose it (<c>await using</c>) at the end of the test.</summary>
    /// <returns>The running server, with no collection seeded.</returns>
    public static MarketplaceTestServer Start() => new();

    /// <summary>
    /// The server's base address, e.g. <c>http://127.0.0.1:51234/</c>; give it to <see cref="MarketplaceClientOptions.BaseUri"/>.
    /// It is a loopback front that passes every byte to <see cref="WireMockServer"/> (and can break a connection mid-body,
    /// which WireMock.Net cannot: <see cref="CutOffNext"/>).
    /// </summary>
    public Uri BaseUri => new("http://127.0.0.1:" + _front.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");

    /// <summary>
    /// The WireMock.Net server underneath, for a stub this class has no method for (<c>server.WireMockServer.Given(…)</c>).
    /// Stubs you add there are consulted after the faults and seeded collections of this class. Send requests to
    /// <see cref="BaseUri"/>, not to its own URL, or <see cref="CutOffNext"/> cannot cut them.
    /// </summary>
    public WireMockServer WireMockServer => _server;

    /// <summary>
    /// Every request the server received, in arrival order, with the <c>Authorization</c> header masked: what your code
    /// sent (path, paging, RQL filter, order, select, streaming) and what it was answered.
    /// </summary>
    public IReadOnlyList<MarketplaceTestRequest> Requests =>
        _server.LogEntries.Where(e => e.RequestMessage is not null).OrderBy(e => e.RequestMessage!.DateTime).Select(MarketplaceTestRequest.From).ToList();

    /// <summary>
    /// A client of this server, built from options as an application builds one (the whole pipeline: token, retries,
    /// timeouts), with <see cref="Token"/>, and retry back-off shortened to milliseconds so a test of retries stays fast.
    /// </summary>
    /// <param name="configure">Changes to the options before the client is built, e.g. <c>o =&gt; o.Retry.Enabled = false</c>.</param>
    /// <returns>A new client; dispose it.</returns>
    public MarketplaceClient CreateClient(Action<MarketplaceClientOptions>? configure = null)
    {
        ThrowIfDisposed();
        var options = new MarketplaceClientOptions
        {
            BaseUri = BaseUri,
            Token = Token,
            Retry = { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) },
        };
        configure?.Invoke(options);
        return new MarketplaceClient(options);
    }

    /// <summary>
    /// Answers the next request (whatever it addresses) with <paramref name="statusCode"/> and problem details, as the
    /// platform fails; with <paramref name="retryAfter"/>, a <c>Retry-After</c> header in whole seconds. Calls queue up:
    /// each answers one request, in order.
    /// </summary>
    /// <param name="statusCode">An error status, 400 to 599: e.g. 429 or 503 (which the client retries) or 404 (which it does not).</param>
    /// <param name="retryAfter">How long the server asks the client to wait, or <see langword="null"/> for no <c>Retry-After</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The status is not an error status, or the wait is negative.</exception>
    public MarketplaceTestServer FailNext(int statusCode, TimeSpan? retryAfter = null)
    {
        if (statusCode is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "An error status is between 400 and 599.");
        if (retryAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "A wait cannot be negative.");
        return Enqueue(TestServerFault.Status(statusCode, retryAfter));
    }

    /// <summary>
    /// Cuts off the next response: its status, its headers and half its body arrive, then the connection closes, short of
    /// the <c>Content-Length</c> it declared, as a dropped connection does. The client retries a GET whose body was cut
    /// off, so a test sees the retry in <see cref="Requests"/> and the items as if nothing happened.
    /// </summary>
    /// <returns>This server.</returns>
    public MarketplaceTestServer CutOffNext() => Enqueue(TestServerFault.CutOff());

    /// <summary>
    /// Garbles the next response, as a proxy that mangled it would: its status and headers arrive as they would, and a
    /// body that is not JSON. It is WireMock.Net's malformed-chunk fault, which sends each distinct byte of the body's
    /// first half once, in the order they first occur (<c>Take(half).Union(random)</c>), then random bytes not among them,
    /// with a <c>Content-Length</c> of what it sends: not even the first half arrives intact. The client reports such a
    /// body as a <see cref="MarketplaceApiException"/> (the status, and the parse error inside) and does not retry it.
    /// </summary>
    public MarketplaceTestServer GarbleNext() => Enqueue(TestServerFault.Garble());

    /// <summary>
    /// Holds the next request for <paramref name="delay"/> before it is answered as it otherwise would be: for a test of
    /// timeouts (<see cref="MarketplaceClientOptions.AttemptTimeout"/>) or of work done while a page loads. The request is
    /// held in the server's loopback front, awaited: no thread of the process under test waits with it.
    /// </summary>
    /// <param name="delay">How long to wait, up to 5 minutes. Disposing the server ends the wait.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or longer than 5 minutes.</exception>
    public MarketplaceTestServer DelayNext(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero || delay > TimeSpan.FromMinutes(5))
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A delay is between 0 and 5 minutes.");
        return Enqueue(TestServerFault.Delay(delay));
    }

    /// <summary>
    /// Leaves <paramref name="fields"/> out of every served item unless a request selects them (<c>select=+audit</c>), and
    /// lists them in <c>$meta.omitted</c>, as the platform leaves out <c>audit</c> by default. Replaces any earlier call;
    /// no field is left out until this is called. Fields left out with <c>select=-field</c> are listed there too.
    /// </summary>
    /// <param name="fields">Field paths, e.g. <c>"audit"</c> or <c>"extension.icon"</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentException">A field is not a field path.</exception>
    public MarketplaceTestServer OmitByDefault(params string[] fields)
    {
        if (fields is null) throw new ArgumentNullException(nameof(fields));
        ThrowIfDisposed();
        foreach (var field in fields)
        {
            if (field is null || !TestServerRql.IsPath(field)) throw new ArgumentException($"'{field}' is not a field path (OmitByDefault)", nameof(fields));
        }
        _settings.Omit(fields.ToArray());
        return this;
    }

    /// <summary>
    /// Decides the RQL filter for the items of one collection with your rule instead of, or before, the server's: for
    /// behaviour it cannot know (your database's collation, a field the seeded items lack, a filter of your own). The
    /// rule gets each seeded item (do not change it) and the request's decoded filter, e.g. <c>eq(name,"Prod")</c>, and
    /// returns whether the item matches, or <see langword="null"/> to let the server's evaluation decide. Order, select,
    /// paging and counts are applied as usual to the items it selects.
    /// </summary>
    /// <param name="collectionPath">The collection's path, as in <see cref="MarketplaceTestRequest.Path"/>, e.g. <c>/public/v1/integration/extensions/EXT-6822-9898-4256/instances</c>.</param>
    /// <param name="predicate">The rule: (item, filter) → matches, or <see langword="null"/> for the server's own evaluation.</param>
    /// <returns>This server.</returns>
    /// <example><code>
    /// // names compared case-insensitively, as a case-insensitive collation does
    /// server.FilterWith(path, (item, filter) =&gt; filter.StartsWith("eq(name,") ? string.Equals((string?)item["name"], filter[9..^2], StringComparison.OrdinalIgnoreCase) : null);
    /// </code></example>
    public MarketplaceTestServer FilterWith(string collectionPath, Func<JObject, string, bool?> predicate)
    {
        if (collectionPath is null) throw new ArgumentNullException(nameof(collectionPath));
        if (predicate is null) throw new ArgumentNullException(nameof(predicate));
        ThrowIfDisposed();
        _settings.SetFilter(Uri.UnescapeDataString(collectionPath.TrimEnd('/')), predicate);
        return this;
    }

    /// <summary>
    /// Plays back recorded responses: WireMock.Net mapping files, as the sample's <c>record</c> command writes them (a
    /// folder, searched recursively, or one file). Seeded collections and faults are consulted first.
    /// </summary>
    /// <param name="path">A folder of mapping files (<c>*.json</c>) or one mapping file.</param>
    /// <returns>This server.</returns>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">A file is not a WireMock.Net mapping.</exception>
    public MarketplaceTestServer LoadRecordings(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        ThrowIfDisposed();
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList()
            : File.Exists(path) ? new List<string> { path } : throw new FileNotFoundException($"No recordings at '{path}'.", path);
        foreach (var file in files)
        {
            try
            {
                _server.ReadStaticMappingAndAddOrUpdate(file);
            }
            catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or ArgumentException)
            {
                throw new ArgumentException($"'{file}' is not a WireMock.Net mapping file: {e.Message}", nameof(path), e);
            }
        }
        return this;
    }

    /// <summary>Forgets the seeded collections, the pending faults, the loaded recordings, the requests received, and what <see cref="OmitByDefault"/> and <see cref="FilterWith"/> set.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        _collections.Clear();
        _faults.Clear();
        _settings.Clear();
        _server.ResetMappings();
        _server.ResetLogEntries();
        TestServerDispatch.Register(_server, _collections, _faults, _settings);
    }

    /// <summary>Stops the server; a delayed request still waiting ends at once (its connection closes).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        _front.Dispose();
        _server.Stop();
        _server.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Stops the server (as <see cref="Dispose"/>).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    // Seeds the collection at one operation's path (each generated Add… method calls this with its path parameters).
    // The values come in the order of the operation's path parameters, which OperationInfo names as the template spells
    // them ({thing-id}); each is written as the client writes it (MarketplaceRequest.Segment: invariant numbers, enums by
    // their wire value, escaped), so the seeded path is the one the client's request will have.
    // itemRoutes: where else the spec reads, replaces or deletes one of its items, one "METHOD template" a line.
    internal MarketplaceTestServer AddItems<T>(OperationInfo operation, object?[] pathValues, IEnumerable<T> items, string itemRoutes = "")
    {
        if (items is null) throw new ArgumentNullException(nameof(items));
        ThrowIfDisposed();
        if (pathValues.Length != operation.PathParameters.Count)
            throw new InvalidOperationException(
                $"{operation.Name} takes {operation.PathParameters.Count} path parameters and {pathValues.Length} were given: Marketplace.Client and Marketplace.Client.Testing are of different builds.");
        var path = operation.Template;
        for (var i = 0; i < pathValues.Length; i++)
        {
            var name = operation.PathParameters[i];
            var value = pathValues[i] ?? throw new ArgumentNullException(name, $"The {{{name}}} of the collection's path is null.");
            if (value is string text) MarketplaceClient.RequirePathSegment(text, name);
            path = path.Replace("{" + name + "}", Http.MarketplaceRequest.Segment(value));
        }
        var json = items.Select(item => item is null
            ? throw new ArgumentNullException(nameof(items), "The items hold a null item.")
            : Serialization.MarketplaceJson.Serialize(item)).ToList();
        // Keyed by the decoded path, as the request's path is compared (an ID with reserved characters arrives escaped).
        var collection = _collections.GetOrAdd(Uri.UnescapeDataString(path), static key => new SeededCollection(key));
        collection.RouteItems(itemRoutes);
        collection.Add(json);
        return this;
    }

    private MarketplaceTestServer Enqueue(TestServerFault fault)
    {
        ThrowIfDisposed();
        _faults.Add(fault);
        return this;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
