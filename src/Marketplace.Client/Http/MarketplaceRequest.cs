using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Query;

namespace Marketplace.Client.Http;

/// <summary>
/// One request as the client means it, from the public method to the wire: the operation it belongs to, its method and
/// path, its query parameters, its RQL query, its paging or streaming mode and the span it is part of. The generated
/// methods build it; <see cref="ToHttpRequestMessage"/> is the one place a URI is made from it, for pages, single calls
/// and streams alike; the handlers read it back from the <see cref="HttpRequestMessage"/> it rides on
/// (<see cref="RequestState"/>). Nothing about a request travels beside it (no ambient or static state), so a call made
/// while another is in flight, from a token provider, say, is exactly the call it was written as.
/// </summary>
/// <remarks>Immutable: a <c>ListAll…Async</c> keeps one as the template of its pages and derives each page from it.</remarks>
internal sealed class MarketplaceRequest
{
    private static readonly KeyValuePair<string, string>[] NoParameters = Array.Empty<KeyValuePair<string, string>>();

    private KeyValuePair<string, string>[] _parameters = NoParameters;

    // The body, made once when the request is made (so a model that cannot be written fails before anything is sent, and
    // every attempt sends the same bytes); null for a request without one.
    private RequestBody? _body;

    /// <param name="operation">The operation (name and path template, for spans and metrics).</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path relative to the base URI, its segments already escaped.</param>
    public MarketplaceRequest(OperationInfo operation, HttpMethod method, string path)
    {
        Operation = operation;
        Method = method;
        Path = path;
    }

    public OperationInfo Operation { get; }

    public HttpMethod Method { get; }

    /// <summary>The path relative to the base URI, segments escaped, e.g. <c>public/v1/integration/extensions/EXT-1/instances</c>.</summary>
    public string Path { get; }

    /// <summary>The RQL query (filter, order, select), written raw into the query string; <see langword="null"/> for none.</summary>
    public RqlQuery? Query { get; private set; }

    public int? Limit { get; private set; }

    public int? Offset { get; private set; }

    /// <summary>
    /// A streamed response (one record per line, read as it arrives): the pipeline must not buffer it within the attempt,
    /// and its retries end when the headers arrive.
    /// </summary>
    public bool IsStreaming { get; private set; }

    /// <summary>
    /// A file download: the media types it accepts (the spec's, e.g. <c>image/png</c>); <see langword="null"/> for a JSON
    /// operation. Like a stream, a successful download is handed over at its headers, and the size cap does not apply.
    /// </summary>
    public string? Download { get; private set; }

    /// <summary>Whether a successful response is handed to the caller at its headers instead of being read within the attempt.</summary>
    public bool IsReadAsItArrives => IsStreaming || Download is not null;

    /// <summary>The span this request is part of (a <c>ListAll…Async</c> or <c>StreamAll…Async</c> enumeration), or <see langword="null"/>.</summary>
    public Activity? Parent { get; private set; }

    /// <summary>The query parameters the operation declares, in order, values as sent (before escaping).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    /// <summary>Adds a query parameter the operation declares; a <see langword="null"/> value is left out, as the platform expects.</summary>
    public MarketplaceRequest WithParameter(string name, object? value)
    {
        if (value is null) return this;
        var parameters = new KeyValuePair<string, string>[_parameters.Length + 1];
        _parameters.CopyTo(parameters, 0);
        parameters[_parameters.Length] = new KeyValuePair<string, string>(name, Format(value));
        return With(r => r._parameters = parameters);
    }

    /// <summary>
    /// The request with <paramref name="body"/> as its JSON body: compact UTF-8, written as <see cref="Serialization.MarketplaceJson"/>
    /// writes models (properties never set are left out; unknown properties and enum values go back as they were read).
    /// <see langword="null"/> (an optional body left out) is a request without a body; a required one is checked by the
    /// generated method before this.
    /// </summary>
    public MarketplaceRequest WithJsonBody(object? body)
    {
        if (body is null) return With(r => r._body = null);
        var json = new JsonBody(Encoding.UTF8.GetBytes(Serialization.MarketplaceJson.Serialize(body)));
        return With(r => r._body = json);
    }

    /// <summary>
    /// The request with a <c>multipart/form-data</c> body of <paramref name="parts"/>, in order: a model as a compact UTF-8
    /// <c>application/json</c> part (as <see cref="WithJsonBody"/> writes it), a <see cref="MarketplaceFile"/> as a file
    /// part streamed from its stream, anything else as a text part. A <see langword="null"/> value leaves its part out.
    /// </summary>
    public MarketplaceRequest WithMultipartBody(params (string Name, object? Value)[] parts)
    {
        var body = new MultipartBody(parts);
        return With(r => r._body = body);
    }

    /// <summary>Whether the request carries a body.</summary>
    public bool HasBody => _body is not null;

    /// <summary>The request as a download of a file of <paramref name="mediaTypes"/> (the spec's, comma-separated).</summary>
    public MarketplaceRequest AsDownload(string mediaTypes) => With(r => r.Download = string.IsNullOrWhiteSpace(mediaTypes) ? "*/*" : mediaTypes);

    public MarketplaceRequest WithQuery(RqlQuery? query) => With(r => r.Query = query);

    public MarketplaceRequest WithPage(int? limit, int? offset) => With(r => { r.Limit = limit; r.Offset = offset; });

    public MarketplaceRequest AsStream() => With(r => r.IsStreaming = true);

    public MarketplaceRequest Within(Activity? parent) => With(r => r.Parent = parent);

    // Requests are immutable once handed out: every change is made on a copy before anyone else sees it.
    private MarketplaceRequest With(Action<MarketplaceRequest> change)
    {
        var copy = (MarketplaceRequest)MemberwiseClone();
        change(copy);
        return copy;
    }

    /// <summary>
    /// The URI relative to the base address: the path, then <c>limit</c> and <c>offset</c>, the declared parameters (escaped)
    /// and the RQL query as <see cref="RqlQuery.ToQueryString"/> wrote it (RQL is not a <c>name=value</c> pair).
    /// </summary>
    public string RelativeUri()
    {
        var rql = Query?.ToQueryString();
        if (Limit is null && Offset is null && _parameters.Length == 0 && string.IsNullOrEmpty(rql)) return Path;
        var uri = new StringBuilder(Path.Length + 64).Append(Path);
        var separator = '?';
        if (Limit is { } limit) Append(uri, ref separator, "limit", limit.ToString(CultureInfo.InvariantCulture));
        if (Offset is { } offset) Append(uri, ref separator, "offset", offset.ToString(CultureInfo.InvariantCulture));
        foreach (var parameter in _parameters) Append(uri, ref separator, parameter.Key, parameter.Value);
        if (!string.IsNullOrEmpty(rql)) uri.Append(separator).Append(rql);
        return uri.ToString();
    }

    /// <summary>The HTTP request for one send of this request, carrying this request for the handlers.</summary>
    public HttpRequestMessage ToHttpRequestMessage()
    {
        var message = new HttpRequestMessage(Method, new Uri(RelativeUri(), UriKind.Relative));
        var accept = Download ?? (IsStreaming ? MarketplaceClient.JsonLinesMediaType : "application/json");
        if (!message.Headers.Accept.TryParseAdd(accept)) message.Headers.TryAddWithoutValidation("Accept", accept);
        if (IsStreaming) message.Headers.TryAddWithoutValidation("MPT-Streaming", "true");
        if (_body is not null) message.Content = _body.CreateContent();
        RequestState.Set(message, this);
        return message;
    }

    /// <summary>A path parameter as one escaped path segment (values formatted as in the query string).</summary>
    public static string Segment(object value) => Uri.EscapeDataString(Format(value));

    private static void Append(StringBuilder uri, ref char separator, string name, string value)
    {
        uri.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        separator = '&';
    }

    // As the query string spells values: invariant numbers, lower-case booleans, ISO 8601 instants, enums by their wire value.
    private static string Format(object value) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.ToString("o", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("o", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
