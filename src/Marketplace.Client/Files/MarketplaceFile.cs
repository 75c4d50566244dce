using System;
using System.IO;

namespace Marketplace.Client;

/// <summary>
/// A file to upload: the file part of a <c>multipart/form-data</c> operation (an attachment's <c>file</c>, a product's
/// <c>icon</c>, an account's <c>logo</c>), sent as it is read from <see cref="Content"/>, never buffered whole.
/// </summary>
/// <remarks>
/// <para>The stream stays yours: the client reads it from its current position to its end and neither closes nor
/// disposes it, so dispose it after the call (<c>await using var stream = File.OpenRead(path);</c>).</para>
/// <para>A seekable stream (a <see cref="FileStream"/>, a <see cref="MemoryStream"/>) is sent with its length and can be
/// sent again: after a 429 the upload is repeated from the same position, and a 401 answered with a refreshed token
/// resends it. A stream that cannot seek (a network stream) is sent once, chunked; a 429 then goes back to you as
/// <see cref="MarketplaceApiException"/> with its <see cref="MarketplaceApiException.RetryAfter"/>.</para>
/// <para>The whole upload must fit <see cref="MarketplaceClientOptions.AttemptTimeout"/> and
/// <see cref="MarketplaceClientOptions.Timeout"/>: raise them for large files on slow links.</para>
/// </remarks>
public sealed class MarketplaceFile
{
    /// <summary>The content type sent when none is given.</summary>
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>A file to upload.</summary>
    /// <param name="content">The bytes, read from the current position to the end; not disposed by the client.</param>
    /// <param name="fileName">The name the server records, e.g. <c>contract.pdf</c>, sent in the part's <c>Content-Disposition</c>
    /// as browsers send it (HTML's multipart/form-data encoding): in UTF-8, with <c>"</c> written <c>%22</c> and a line break
    /// <c>%0D</c>/<c>%0A</c>, everything else (a backslash, <c>%</c>, non-ASCII letters) as it is.</param>
    /// <param name="contentType">The part's media type, e.g. <c>application/pdf</c>; <see langword="null"/>: <see cref="DefaultContentType"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> or <paramref name="fileName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="content"/> cannot be read; <paramref name="fileName"/> is blank or holds a
    /// control character other than a line break (NUL, a tab: no browser sends those); <paramref name="contentType"/> is not a media type.</exception>
    public MarketplaceFile(Stream content, string fileName, string? contentType = null)
    {
        Content = content ?? throw new ArgumentNullException(nameof(content));
        if (!content.CanRead) throw new ArgumentException("The stream cannot be read.", nameof(content));
        if (fileName is null) throw new ArgumentNullException(nameof(fileName));
        if (string.IsNullOrWhiteSpace(fileName)) throw new ArgumentException("The file name is blank.", nameof(fileName));
        foreach (var c in fileName)
        {
            if (char.IsControl(c) && c is not ('\r' or '\n'))
                throw new ArgumentException($"The file name holds the control character U+{(int)c:X4}, which cannot go into the part's header.", nameof(fileName));
        }
        FileName = fileName;
        ContentType = contentType ?? DefaultContentType;
        try
        {
            _ = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType.Split(';')[0].Trim());
            _ = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(ContentType);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"'{ContentType}' is not a media type (e.g. application/pdf).", nameof(contentType), ex);
        }
    }

    /// <summary>The bytes to send, from the stream's position when the call is made.</summary>
    public Stream Content { get; }

    /// <summary>The file name sent with the part.</summary>
    public string FileName { get; }

    /// <summary>The part's media type.</summary>
    public string ContentType { get; }
}
