using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>A request's body, made once per request; <see cref="CreateContent"/> gives the content of one call.</summary>
internal abstract class RequestBody
{
    public abstract HttpContent CreateContent();

    /// <summary>
    /// Whether <paramref name="content"/> can go out again on the same request message (a 429 on a write, a 401 answered
    /// with a refreshed token): no body, bytes in memory, or a multipart body whose files can seek back.
    /// </summary>
    public static bool CanResend(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent => true,
        MultipartBody.Content multipart => multipart.CanResend,
        _ => false,
    };
}

/// <summary>A JSON body: compact UTF-8 bytes.</summary>
internal sealed class JsonBody : RequestBody
{
    private readonly byte[] _json;

    public JsonBody(byte[] json) => _json = json;

    public override HttpContent CreateContent()
    {
        // ByteArrayContent can be sent again as it is: a retry (a 429 on a write) sends the same bytes.
        var content = new ByteArrayContent(_json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}

/// <summary>
/// A <c>multipart/form-data</c> body as the platform's official client writes it: each model a compact UTF-8
/// <c>application/json</c> part without a file name, each file a part with its file name and content type, streamed.
/// </summary>
internal sealed class MultipartBody : RequestBody
{
    private readonly List<(string Name, object Value)> _parts = new();

    public MultipartBody((string Name, object? Value)[] parts)
    {
        foreach (var (name, value) in parts)
        {
            if (value is null) continue;
            // Models are written now, once, so a model that cannot be written fails before anything is sent.
            object part = value switch
            {
                MarketplaceFile file => file,
                string text => text,
                bool flag => flag ? "true" : "false",
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                // An extensible enum (a struct over its wire value) is its wire value; a model is JSON.
                ValueType => value.ToString() ?? string.Empty,
                _ => Encoding.UTF8.GetBytes(Serialization.MarketplaceJson.Serialize(value)),
            };
            _parts.Add((name, part));
        }
    }

    public override HttpContent CreateContent()
    {
        var content = new Content();
        foreach (var (name, value) in _parts)
        {
            switch (value)
            {
                case MarketplaceFile file:
                    content.AddFile(name, file);
                    break;
                case byte[] json:
                    var part = new ByteArrayContent(json);
                    part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    content.AddPart(name, part);
                    break;
                default:
                    content.AddPart(name, new StringContent((string)value, new UTF8Encoding(false)));
                    break;
            }
        }
        return content;
    }

    // A name or file name as HTML's multipart/form-data encoding writes it (what browsers send and servers expect):
    // quoted, '"' as %22, CR as %0D, LF as %0A, nothing else escaped. Not RFC 7230's quoted-pair (\ and \"): ASP.NET Core
    // and others do not unescape it, so a backslash would arrive doubled.
    internal static string FormQuoted(string name) =>
        "\"" + name.Replace("\"", "%22").Replace("\r", "%0D").Replace("\n", "%0A") + "\"";

    // A MultipartContent of form-data rather than MultipartFormDataContent, whose Add(content, name, fileName) writes
    // filename* for every file (RFC 7578 §4.2: not to be used in form data) and rejects a name holding '"'; here every
    // Content-Disposition is written as a browser writes it, with names in UTF-8.
    internal sealed class Content : MultipartContent
    {
        private bool _canResend = true;

        public Content()
            : base("form-data")
        {
#if NET5_0_OR_GREATER
            HeaderEncodingSelector = static (_, _) => Encoding.UTF8;
#endif
        }

        public bool CanResend => _canResend;

        public void AddPart(string name, HttpContent part)
        {
            part.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=" + FormQuoted(name));
            Add(part);
        }

        public void AddFile(string name, MarketplaceFile file)
        {
            var part = new FilePartContent(file);
            _canResend &= file.Content.CanSeek;
            var disposition = "form-data; name=" + FormQuoted(name) + "; filename=" + FormQuoted(file.FileName);
#if !NET5_0_OR_GREATER
            // Without a header encoding to choose (before .NET 5), header values go out as Latin-1, not the UTF-8 servers
            // read: a name beyond ASCII goes in filename* too (RFC 5987), which servers prefer, so that it arrives as written.
            if (file.FileName.Any(c => c > '~'))
                disposition += "; filename*=utf-8''" + Uri.EscapeDataString(file.FileName);
#endif
            part.Headers.TryAddWithoutValidation("Content-Disposition", disposition);
            Add(part);
        }
    }

    // The caller's stream as a part: read from where it stood when the call was made, never disposed (the stream is the
    // caller's), and sent again only if it can seek back there.
    private sealed class FilePartContent : HttpContent
    {
        private readonly Stream _stream;
        private readonly long _start;
        private bool _sent;

        public FilePartContent(MarketplaceFile file)
        {
            _stream = file.Content;
            _start = _stream.CanSeek ? _stream.Position : 0;
            Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

#if NET5_0_OR_GREATER
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
#else
        private async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
#endif
        {
            if (_sent)
            {
                if (!_stream.CanSeek)
                    throw new InvalidOperationException("The file's stream cannot seek, so the upload cannot be sent a second time.");
                _stream.Position = _start;
            }
            _sent = true;
            await _stream.CopyToAsync(stream, 81920, cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            if (_stream.CanSeek)
            {
                length = _stream.Length - _start;
                return true;
            }
            length = 0;
            return false;
        }

        // The stream is the caller's: disposing the request must not close it.
        protected override void Dispose(bool disposing) => base.Dispose(false);
    }
}
