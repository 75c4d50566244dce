using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client;

/// <summary>
/// A file the server sent (an icon, a media file, an attachment): its bytes as a stream read as they arrive, with the
/// content type and the file name the server gave. Dispose it: it holds the connection until then.
/// </summary>
/// <remarks>
/// <para>The body is never held in memory whole and <see cref="MarketplaceClientOptions.MaxResponseBytes"/> does not apply
/// to it: a 1 GB file is copied in buffers of a few kilobytes (<see cref="CopyToAsync"/>). The call returns when the
/// headers have arrived; a read is retried only up to then (after that the bytes already went to you).</para>
/// <para>A connection that breaks while you read ends the read with an <see cref="IOException"/> that says how many bytes
/// had arrived of how many announced; a body shorter than its <c>Content-Length</c> is such a break.</para>
/// </remarks>
public sealed class MarketplaceDownload : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly DownloadStream _content;

    internal MarketplaceDownload(HttpResponseMessage response, Stream body, string description)
    {
        _response = response;
        var headers = response.Content?.Headers;
        Length = headers?.ContentLength;
        ContentType = headers?.ContentType?.ToString();
        FileName = SafeFileName(headers?.ContentDisposition);
        Headers = MarketplaceClient.HeadersOf(response);
        _content = new DownloadStream(body, Length, description);
    }

    /// <summary>The bytes, read as they arrive (not seekable). Reading past the end returns 0, as any stream does.</summary>
    public Stream Content => _content;

    /// <summary>The media type the server sent (<c>Content-Type</c>, e.g. <c>image/png</c>), or <see langword="null"/> if it sent none.</summary>
    public string? ContentType { get; }

    /// <summary>
    /// The file name from <c>Content-Disposition</c> (<c>filename*</c>, decoded, before <c>filename</c>), reduced to a bare
    /// name: directories (<c>../</c>, <c>C:\</c>) and control characters are removed, so it is never a path that leaves the
    /// folder you save into. <see langword="null"/> when the server gave none.
    /// </summary>
    public string? FileName { get; }

    /// <summary>The announced size in bytes (<c>Content-Length</c>), or <see langword="null"/> when the body is chunked.</summary>
    public long? Length { get; }

    /// <summary>The response headers (with the content headers), the client's token masked.</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }

    /// <summary>Copies the rest of the file to <paramref name="destination"/>, a buffer at a time.</summary>
    /// <param name="destination">Where the bytes go (a <see cref="FileStream"/>, say); not disposed.</param>
    /// <param name="cancellationToken">Stops the copy.</param>
    /// <returns>A task that completes when the last byte is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="IOException">The connection broke before the whole file arrived (the message says how much did).</exception>
    public Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        if (destination is null) throw new ArgumentNullException(nameof(destination));
        return _content.CopyToAsync(destination, 81920, cancellationToken);
    }

    /// <summary>Releases the connection; the rest of the body, if any, is not read.</summary>
    public void Dispose()
    {
        _content.Dispose();
        _response.Dispose();
    }

    private static string? SafeFileName(System.Net.Http.Headers.ContentDispositionHeaderValue? disposition)
    {
        if (disposition is null) return null;
        var raw = disposition.FileNameStar;
        // The parameter as sent: the FileName property drops the quotes but leaves the quoted-pairs in.
        if (string.IsNullOrWhiteSpace(raw))
            raw = Unquoted(disposition.Parameters.FirstOrDefault(p => string.Equals(p.Name, "filename", StringComparison.OrdinalIgnoreCase))?.Value);
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var name = raw!.Trim();
        name = name.Substring(Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\')) + 1);
        name = new string(name.Where(c => !char.IsControl(c) && c != ':').ToArray()).Trim();
        return name.Length == 0 || name.All(c => c == '.') ? null : name;
    }

    // A quoted-string as the text it stands for (RFC 9110 §5.6.4): without its quotes, each quoted-pair (\" or \\) the
    // character after the backslash. A token comes back as it is.
    private static string? Unquoted(string? value)
    {
        if (value is not { Length: >= 2 } || value[0] != '"' || value[value.Length - 1] != '"') return value;
        var text = new System.Text.StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1) i++;
            text.Append(value[i]);
        }
        return text.ToString();
    }

    // The body as the caller reads it: counted, so that a break says how far it got, and checked against Content-Length.
    private sealed class DownloadStream : Http.ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly long? _length;
        private readonly string _description;
        private long _received;

        public DownloadStream(Stream inner, long? length, string description)
        {
            _inner = inner;
            _length = length;
            _description = description;
        }

        public override long Length => _length ?? throw new NotSupportedException("The server did not announce the size (the body is chunked).");
        public override long Position { get => _received; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Counted(_inner.Read(buffer, offset, count));
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                throw Broken(ex);
            }
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            try
            {
#if NET5_0_OR_GREATER
                return Counted(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));
#else
                return Counted(await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));
#endif
            }
            catch (Exception ex) when ((ex is IOException or HttpRequestException) && !cancellationToken.IsCancellationRequested)
            {
                throw Broken(ex);
            }
        }

#if NET5_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Counted(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when ((ex is IOException or HttpRequestException) && !cancellationToken.IsCancellationRequested)
            {
                throw Broken(ex);
            }
        }
#endif

        private int Counted(int read)
        {
            _received += read;
            if (read == 0 && _length is { } length && _received < length)
                throw new IOException($"The download of {_description} ended after {_received} of {length} bytes: the connection closed early.");
            return read;
        }

        private IOException Broken(Exception ex) => new(
            $"The download of {_description} broke after {_received}" + (_length is { } length ? $" of {length}" : "") + $" bytes: {ex.Message}", ex);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
