using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Testing;
using Newtonsoft.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Marketplace.Client.Tests;

/// <summary>
/// The one fixture of the client tests: the shipped <see cref="MarketplaceTestServer"/> (what a consumer tests with, so
/// every client test also exercises the test kit), the IDs and paths the tests address, the page and record builders,
/// a client built the way applications build one, and, for the bytes no HTTP server sends (random bytes, a chunked body
/// that grows, a stream that stalls or trickles), <see cref="Scripted(Func{int, string, Stream, CancellationToken, Task})"/>.
/// </summary>
/// <remarks>
/// A test that needs one particular response stubs it through <see cref="WireMock"/> (the test server's escape hatch,
/// consulted after its faults and seeded collections); a test of paging or streaming over many records seeds them
/// (<c>Server.AddExtensionInstances</c>); a test of a dropped connection uses <c>Server.CutOffNext()</c>.
/// </remarks>
public class TestApi : IDisposable
{
    /// <summary>The extension every test addresses (the seeds' example ID).</summary>
    public const string ExtensionId = "EXT-6822-9898-4256";

    /// <summary>The path of <c>ListExtensionInstances</c> for <see cref="ExtensionId"/>.</summary>
    public const string InstancesPath = "/public/v1/integration/extensions/" + ExtensionId + "/instances";

    /// <summary>The path of <c>ListInstallations</c> for <see cref="ExtensionId"/>.</summary>
    public const string InstallationsPath = "/public/v1/integration/extensions/" + ExtensionId + "/installations";

    /// <summary>The token the clients of <see cref="CreateClient"/> send: its secret part is what masking tests look for.</summary>
    public const string Token = "idt:TKN-1234-5678:s3cr3t-value";

    /// <summary>A page with no records (total 0).</summary>
    public const string EmptyPage = """{"$meta":{"pagination":{"offset":0,"limit":100,"total":0}},"data":[]}""";

    private MarketplaceClient? _client;

    /// <summary>A test server with nothing seeded.</summary>
    public TestApi()
        : this(recordings: false)
    {
    }

    /// <param name="recordings">Play the recorded responses (tests/…/Recordings) behind the seeded collections and stubs.</param>
    protected TestApi(bool recordings)
    {
        Server = MarketplaceTestServer.Start();
        if (recordings) Server.LoadRecordings(Path.Combine(AppContext.BaseDirectory, "Recordings"));
    }

    /// <summary>The test server: seed collections, queue faults, read <see cref="MarketplaceTestServer.Requests"/>.</summary>
    public MarketplaceTestServer Server { get; }

    /// <summary>The WireMock.Net server under <see cref="Server"/>, for a stub the test kit has no method for, and its raw request log.</summary>
    public WireMockServer WireMock => Server.WireMockServer;

    /// <summary>Where clients send requests (the test server's front, which can cut a connection).</summary>
    public Uri BaseUri => Server.BaseUri;

    /// <summary>A client of this server built once and shared by a test class (the whole pipeline, as <see cref="CreateClient"/>).</summary>
    public MarketplaceClient Client => _client ??= CreateClient();

    /// <summary>
    /// A client built from options, as users build it: <see cref="Token"/>, retries (back-off in milliseconds) and timeouts
    /// generous enough for a cold WireMock on a busy 2-core CI machine.
    /// </summary>
    public MarketplaceClient CreateClient(Action<MarketplaceClientOptions>? configure = null) => Server.CreateClient(o =>
    {
        o.Token = Token;
        o.AttemptTimeout = TimeSpan.FromSeconds(60);
        o.Timeout = TimeSpan.FromSeconds(120);
        o.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(o);
    });

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int RequestCount(string path) => Server.Requests.Count(r => r.Path == path);

    /// <summary>Serves <paramref name="json"/> with status <paramref name="status"/> for every GET of <paramref name="path"/>.</summary>
    public void Serve(string path, string json, int status = 200, string contentType = "application/json")
    {
        WireMock.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(json));
    }

    /// <summary>
    /// A page envelope as the platform sends it: records <paramref name="offset"/>…<paramref name="offset"/>+<paramref name="count"/>-1,
    /// ids <paramref name="idPrefix"/> + a 4-digit number, status Running, <c>$meta.omitted</c> listing <c>audit</c>.
    /// </summary>
    public static string Page(int offset, int count, int? total, int limit = 100, string idPrefix = "INS-6587-4477-5207-", string? name = null) =>
        JsonConvert.SerializeObject(new
        {
            _meta = new { pagination = new { offset, limit, total }, omitted = new[] { "audit" } },
            data = Enumerable.Range(offset, count).Select(i => new { id = idPrefix + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture), name, status = "Running" }),
        }, new JsonSerializerSettings { NullValueHandling = NullValueHandling.Ignore }).Replace("\"_meta\"", "\"$meta\"", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="count"/> instances to seed: ids INS-6587-4477-5207-0000 on, names node-0 on, every third Running and
    /// the rest Suspended (a status the client's enum does not know), each with <c>$meta.omitted</c>.
    /// </summary>
    public static List<Instance> Instances(int count) => Enumerable.Range(0, count).Select(i => new Instance
    {
        Id = $"INS-6587-4477-5207-{i:D4}",
        Name = "node-" + i,
        Status = i % 3 == 0 ? InstanceStatus.Running : new InstanceStatus("Suspended"),
        Metadata = new PlatformMetadata { Omitted = new[] { "audit" } },
    }).ToList();

    /// <summary>One instance record as a streamed line carries it (no newline).</summary>
    public static string Record(int i, string status = "Running") =>
        JsonConvert.SerializeObject(new { id = $"INS-0000-0000-0000-{i:D4}", name = $"instance {i}", status });

    /// <summary><paramref name="count"/> records as JSON lines, each ending in a newline.</summary>
    public static string Lines(int count) => string.Concat(Enumerable.Range(0, count).Select(i => Record(i) + "\n"));

    /// <summary>An HTTP/1.1 response as bytes, for <see cref="Scripted(Func{int, byte[]})"/>; <paramref name="contentLength"/> may lie.</summary>
    public static byte[] Http(string statusLine, string body, int? contentLength = null) => Encoding.UTF8.GetBytes(
        $"HTTP/1.1 {statusLine}\r\nContent-Type: application/json\r\nContent-Length: {contentLength ?? Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    /// <summary>A loopback socket that answers connection <c>n</c> (0-based) with <paramref name="respond"/>(n) and closes.</summary>
    public static ScriptedServer Scripted(Func<int, byte[]> respond) =>
        new((number, _, stream, stop) => WriteAsync(stream, respond(number), stop));

    /// <summary>
    /// A loopback socket that answers each connection (served concurrently) with the bytes <paramref name="respond"/> gives
    /// for its number and request head; with <paramref name="stallAfterResponse"/> the connection then stays open, silent.
    /// </summary>
    public static ScriptedServer Scripted(Func<int, string, Task<byte[]>> respond, bool stallAfterResponse = false) =>
        new(async (number, head, stream, stop) =>
        {
            await WriteAsync(stream, await respond(number, head), stop);
            if (stallAfterResponse) await Task.Delay(Timeout.Infinite, stop);
        });

    /// <summary>
    /// A loopback socket where <paramref name="serve"/> writes each response at its own pace (trickles, stalls, breaks);
    /// the connection closes when it returns.
    /// </summary>
    public static ScriptedServer Scripted(Func<int, string, Stream, CancellationToken, Task> serve) => new(serve);

    private static async Task WriteAsync(Stream stream, byte[] bytes, CancellationToken stop)
    {
        await stream.WriteAsync(bytes, stop);
        await stream.FlushAsync(stop);
    }

    public void Dispose()
    {
        _client?.Dispose();
        Server.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The test server playing the recorded responses, as a class fixture.</summary>
    public sealed class Recorded : TestApi
    {
        public Recorded()
            : base(recordings: true)
        {
        }
    }

    /// <summary>A loopback TCP server that sends whatever bytes a test scripts: the faults no HTTP server produces.</summary>
    public sealed class ScriptedServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<int, string, Stream, CancellationToken, Task> _serve;
        private int _connections;

        internal ScriptedServer(Func<int, string, Stream, CancellationToken, Task> serve)
        {
            _serve = serve;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        /// <summary>The server's address, e.g. <c>http://127.0.0.1:51234/</c>.</summary>
        public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        /// <summary>How many connections were accepted (each is one attempt of the client).</summary>
        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient connection;
                try
                {
                    connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                _ = ServeAsync(connection, Interlocked.Increment(ref _connections) - 1);
            }
        }

        private async Task ServeAsync(TcpClient connection, int number)
        {
            using (connection)
            {
                try
                {
                    var stream = connection.GetStream();
                    await _serve(number, await ReadRequestHeadAsync(stream), stream, _stop.Token);
                }
                catch (Exception)
                {
                    // The client gave up first; that is the point of some tests.
                }
            }
        }

        private async Task<string> ReadRequestHeadAsync(NetworkStream stream)
        {
            var buffer = new byte[8192];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) break;
                seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return seen.ToString();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
