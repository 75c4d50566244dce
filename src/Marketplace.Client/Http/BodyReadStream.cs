using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// A body read as it arrives (a stream, a download). A body the handler decompresses (gzip, brotli) and that is not what
/// it says it is makes the decompressor throw <see cref="InvalidDataException"/> (gzip) or
/// <see cref="InvalidOperationException"/> (brotli); here either is an <see cref="UndecodableBodyException"/>, an
/// <see cref="IOException"/> as a broken connection is, so it ends the stream or the download with the count like one.
/// And <see cref="MarketplaceClientOptions.ReadTimeout"/> on each read:
/// once the headers are in, neither the attempt timeout nor <see cref="System.Net.Http.HttpClient.Timeout"/> applies, and
/// a server (or a proxy) that stops sending would hold the reader forever. A read that gets no byte within the timeout
/// ends with an <see cref="IOException"/> saying so, and so does every read after it; the caller's cancellation stays
/// an <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// One timer per body, re-armed on each read, so reading allocates nothing per read. When it fires, the read's token is
/// cancelled (what the socket read honours) and the body is disposed (what ends a synchronous read, or a read on a
/// framework whose content stream ignores the token).
/// </remarks>
internal sealed class BodyReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly TimeSpan _timeout;
    private readonly string? _encoding;
    private readonly ITimer? _timer;
    private readonly CancellationTokenSource _stalled = new();
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedFor;
    private volatile bool _timedOut;

    private BodyReadStream(Stream inner, TimeSpan timeout, string? encoding, TimeProvider time)
    {
        _inner = inner;
        _timeout = timeout;
        _encoding = encoding;
        if (_timeout != Timeout.InfiniteTimeSpan)
            _timer = time.CreateTimer(static state => ((BodyReadStream)state!).Stall(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// <paramref name="inner"/> (the body of a response whose <c>Content-Encoding</c> is <paramref name="encoding"/>) with
    /// <paramref name="timeout"/> on each read and decoding errors as <see cref="UndecodableBodyException"/>; itself when
    /// there is neither a limit nor an encoding.
    /// </summary>
    public static Stream Wrap(Stream inner, TimeSpan timeout, TimeProvider time, string? encoding = null)
    {
        var limit = MarketplaceHttp.Limit(timeout);
        return limit == Timeout.InfiniteTimeSpan && encoding is null ? inner : new BodyReadStream(inner, limit, encoding, time);
    }

    /// <summary>The <c>Content-Encoding</c> of <paramref name="response"/> (e.g. <c>gzip</c>, <c>br</c>), or <see langword="null"/> for none.</summary>
    public static string? EncodingOf(System.Net.Http.HttpResponseMessage response)
    {
        var encodings = response.Content?.Headers.ContentEncoding;
        if (encodings is { Count: > 0 }) return string.Join(", ", encodings);
        // The handler that decompresses removes the header and hands over its own content: GZipDecompressedContent,
        // BrotliDecompressedContent, DeflateDecompressedContent (SocketsHttpHandler's DecompressionHandler).
        var type = response.Content?.GetType().Name ?? "";
        if (type.IndexOf("DecompressedContent", StringComparison.Ordinal) < 0) return null;
        return type.StartsWith("GZip", StringComparison.Ordinal) ? "gzip"
            : type.StartsWith("Brotli", StringComparison.Ordinal) ? "br"
            : type.StartsWith("Deflate", StringComparison.Ordinal) ? "deflate"
            : "compressed data";
    }

    /// <summary>Whether <paramref name="exception"/> is a decompressor's refusal of a body encoded as <paramref name="encoding"/>.</summary>
    public static bool IsDecodingError(Exception exception, string? encoding) =>
        encoding is not null && exception is InvalidDataException or InvalidOperationException && exception is not ObjectDisposedException;

    /// <summary>Throws unless <paramref name="timeout"/> is positive or infinite.</summary>
    public static void Check(TimeSpan timeout, string name)
    {
        if (!MarketplaceHttp.IsTimeout(timeout))
            throw new ArgumentOutOfRangeException(name, timeout, "A read timeout must be positive, or Timeout.InfiniteTimeSpan to turn it off.");
    }

    // What a failed read is to the caller: a stall past the timeout (when it counts: not when the caller cancelled), a
    // body its decompressor refused, or else (null) the exception as it is.
    private IOException? Failure(Exception exception, bool stallCounts) =>
        _timedOut && stallCounts ? TimedOut(exception)
        : IsDecodingError(exception, _encoding) ? new UndecodableBodyException(_encoding!, exception)
        : null;

    public override int Read(byte[] buffer, int offset, int count)
    {
        ThrowIfTimedOut();
        Arm();
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (Exception ex) when (Failure(ex, stallCounts: ex is not OutOfMemoryException) is { } failure)
        {
            throw failure;
        }
        finally
        {
            Disarm();
        }
    }

#if NET5_0_OR_GREATER
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfTimedOut();
        var token = _timer is null ? cancellationToken : TokenFor(cancellationToken);
        Arm();
        try
        {
            return await _inner.ReadAsync(buffer, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw CallerCancellation.For(ex, cancellationToken); // not the token linked with the timer
        }
        catch (Exception ex) when (Failure(ex, stallCounts: !cancellationToken.IsCancellationRequested) is { } failure)
        {
            throw failure;
        }
        finally
        {
            Disarm();
        }
    }
#else
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ThrowIfTimedOut();
        var token = _timer is null ? cancellationToken : TokenFor(cancellationToken);
        Arm();
        try
        {
            return await _inner.ReadAsync(buffer, offset, count, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw CallerCancellation.For(ex, cancellationToken); // not the token linked with the timer
        }
        catch (Exception ex) when (Failure(ex, stallCounts: !cancellationToken.IsCancellationRequested) is { } failure)
        {
            throw failure;
        }
        finally
        {
            Disarm();
        }
    }
#endif

    private void Arm() => _timer?.Change(_timeout, Timeout.InfiniteTimeSpan);

    private void Disarm() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    // The read's token: cancelled by the caller or by the timer. A body is read with one token over and over (a line
    // reader passes its own each time), so the linked source is made once per distinct token, not once per read.
    private CancellationToken TokenFor(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) return _stalled.Token;
        if (_linked is null || _linkedFor != cancellationToken)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stalled.Token);
            _linkedFor = cancellationToken;
        }
        return _linked.Token;
    }

    private void Stall()
    {
        _timedOut = true;
        try
        {
            _stalled.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException)
        {
            // A callback registered on the read's token threw; the read ends all the same.
        }
        try
        {
            _inner.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private void ThrowIfTimedOut()
    {
        if (_timedOut) throw TimedOut(null);
    }

    private IOException TimedOut(Exception? inner) => new(
        $"no data arrived for {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (ReadTimeout)", inner);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer?.Dispose();
            _inner.Dispose();
            _linked?.Dispose();
            _stalled.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A body whose <c>Content-Encoding</c> (gzip, brotli) its bytes do not follow: the decompressor refused them.</summary>
internal sealed class UndecodableBodyException : IOException
{
    public UndecodableBodyException(string encoding, Exception inner)
        : base($"the body is not valid {encoding} ({inner.Message})", inner)
    {
    }
}
