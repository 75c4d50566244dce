using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Tests;

/// <summary>
/// A loopback TCP server that answers each connection with whatever bytes a test scripts, for the faults
/// WireMock cannot produce (a body cut off before its Content-Length, a connection closed mid-response).
/// </summary>
public sealed class RawHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    /// <param name="respond">Given the 0-based connection number, the bytes to send before closing.</param>
    public RawHttpServer(Func<int, byte[]> respond)
        : this((connection, _) => Task.FromResult(respond(connection)))
    {
    }

    /// <param name="respond">Given the 0-based connection number and the request's head (request line and headers),
    /// the bytes to send before closing. Connections are served concurrently.</param>
    /// <param name="stallAfterResponse">Keep each connection open, silent, after its bytes (a server that stalls mid-body).</param>
    public RawHttpServer(Func<int, string, Task<byte[]>> respond, bool stallAfterResponse = false)
        : this(async (number, head, stream, stop) =>
        {
            await stream.WriteAsync(await respond(number, head), stop);
            await stream.FlushAsync(stop);
            if (stallAfterResponse) await Task.Delay(Timeout.Infinite, stop);
        })
    {
    }

    /// <param name="serve">Given the connection number, the request's head and the connection, writes the response at
    /// its own pace (a stream that trickles, stalls or breaks); the connection closes when it returns.</param>
    public RawHttpServer(Func<int, string, System.IO.Stream, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    private readonly Func<int, string, System.IO.Stream, CancellationToken, Task> _serve;

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Connections => Volatile.Read(ref _connections);

    public static byte[] Http(string statusLine, string body, int? contentLength = null) => Encoding.UTF8.GetBytes(
        $"HTTP/1.1 {statusLine}\r\nContent-Type: application/json\r\nContent-Length: {contentLength ?? Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

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
                var head = await ReadRequestHeadAsync(stream);
                await _serve(number, head, stream, _stop.Token);
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
