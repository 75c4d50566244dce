using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Testing;

/// <summary>
/// A loopback TCP front before the WireMock.Net server, passing bytes both ways unchanged, so the test server can do what
/// WireMock.Net cannot: break a connection in the middle of a body. A response that carries <see cref="CutMark"/> (bytes
/// that no HTTP head or JSON body holds: U+0001 is escaped in JSON) is forwarded up to the mark, and then the connection
/// is closed, short of the body its <c>Content-Length</c> declared.
/// </summary>
internal sealed class TestServerFront : IDisposable
{
    /// <summary>Where a cut-off response breaks off.</summary>
    public const string CutMark = "\u0001marketplace-test-server: cut here\u0001";

    private static readonly byte[] Mark = System.Text.Encoding.UTF8.GetBytes(CutMark);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, bool> _open = new();
    private readonly TestServerFaults _faults;

    public TestServerFront(Uri upstream, TestServerFaults faults)
    {
        _faults = faults;
        _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _open[client] = true;
        _open[upstream] = true;
        Task requests = Task.CompletedTask, responses = Task.CompletedTask;
        try
        {
            await upstream.ConnectAsync(_upstream, _stopping.Token).ConfigureAwait(false);
            var toServer = new NetworkStream(upstream, ownsSocket: false);
            var toClient = new NetworkStream(client, ownsSocket: false);
            requests = ForwardRequestsAsync(toClient, toServer, _stopping.Token);
            responses = ForwardResponsesAsync(toServer, toClient, _stopping.Token);
            // Whichever side ends first ends the connection.
            await Task.WhenAny(requests, responses).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
        }
        finally
        {
            Close(client);
            Close(upstream);
        }
        // The other side fails once its socket is closed: observed here, as the end of the connection it is.
        try
        {
            await Task.WhenAll(requests, responses).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
        }
    }

    private static bool IsConnectionEnd(Exception e) => e is SocketException or System.IO.IOException or OperationCanceledException or ObjectDisposedException;

    // Passes the client's bytes on as they come. A read that begins a request (its request line: the client sends the next
    // request on a connection only once the last is answered) takes a queued delay, if one is at the head of the queue:
    // the request waits here, awaited (no thread is held), and goes on marked as delayed.
    private async Task ForwardRequestsAsync(NetworkStream client, NetworkStream server, CancellationToken stopping)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await client.ReadAsync(buffer, stopping).ConfigureAwait(false);
            if (read == 0) return;
            var lineEnd = RequestLineEnd(buffer.AsSpan(0, read));
            if (lineEnd > 0 && _faults.TakeDelay() is { } delay)
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                await server.WriteAsync(buffer.AsMemory(0, lineEnd), stopping).ConfigureAwait(false);
                await server.WriteAsync(DelayedLine, stopping).ConfigureAwait(false);
                await server.WriteAsync(buffer.AsMemory(lineEnd, read - lineEnd), stopping).ConfigureAwait(false);
                continue;
            }
            await server.WriteAsync(buffer.AsMemory(0, read), stopping).ConfigureAwait(false);
        }
    }

    private static readonly byte[] DelayedLine = System.Text.Encoding.ASCII.GetBytes(TestServerFaults.DelayedHeader + ": true\r\n");

    // The length of the request line ("GET /path HTTP/1.1\r\n") the bytes begin with, or 0 when they do not begin one.
    private static int RequestLineEnd(ReadOnlySpan<byte> bytes)
    {
        var method = 0;
        while (method < bytes.Length && method < 16 && bytes[method] is >= (byte)'A' and <= (byte)'Z') method++;
        if (method == 0 || method >= bytes.Length || bytes[method] != (byte)' ') return 0;
        var end = bytes.Slice(0, Math.Min(bytes.Length, 16 * 1024)).IndexOf("\r\n"u8);
        if (end < 0 || !bytes.Slice(0, end).EndsWith(" HTTP/1.1"u8) && !bytes.Slice(0, end).EndsWith(" HTTP/1.0"u8)) return 0;
        return end + 2;
    }

    // Passes the server's bytes on as they come, up to a cut mark if one comes.
    private static async Task ForwardResponsesAsync(NetworkStream server, NetworkStream client, CancellationToken stopping)
    {
        var buffer = new byte[16 * 1024];
        var held = 0;
        while (true)
        {
            var read = await server.ReadAsync(buffer.AsMemory(held), stopping).ConfigureAwait(false);
            if (read == 0)
            {
                if (held > 0) await client.WriteAsync(buffer.AsMemory(0, held), stopping).ConfigureAwait(false);
                return;
            }
            var total = held + read;
            var cut = buffer.AsSpan(0, total).IndexOf(Mark);
            if (cut >= 0)
            {
                await client.WriteAsync(buffer.AsMemory(0, cut), stopping).ConfigureAwait(false);
                await client.FlushAsync(stopping).ConfigureAwait(false);
                return;
            }
            // A mark may straddle two reads: hold back a tail that could begin one (only ever a tail from U+0001 on).
            held = PartialMark(buffer.AsSpan(0, total));
            await client.WriteAsync(buffer.AsMemory(0, total - held), stopping).ConfigureAwait(false);
            buffer.AsSpan(total - held, held).CopyTo(buffer);
        }
    }

    private static int PartialMark(ReadOnlySpan<byte> bytes)
    {
        for (var length = Math.Min(Mark.Length - 1, bytes.Length); length > 0; length--)
        {
            if (bytes.Slice(bytes.Length - length).SequenceEqual(Mark.AsSpan(0, length))) return length;
        }
        return 0;
    }

    private void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        socket.Dispose();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        foreach (var socket in _open.Keys) Close(socket);
    }
}
