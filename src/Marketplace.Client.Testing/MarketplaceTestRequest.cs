using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using WireMock.Logging;

namespace Marketplace.Client.Testing;

/// <summary>
/// One request the test server received, read the way the platform reads it: the query string percent-decoded
/// (<c>+</c> as a space) and split into the RQL filter and the <c>limit</c>, <c>offset</c>, <c>order</c> and
/// <c>select</c> parameters. The <c>Authorization</c> header is masked; the token never appears here.
/// </summary>
public sealed class MarketplaceTestRequest
{
    private static readonly string[] Named = { "limit", "offset", "order", "select" };

    private MarketplaceTestRequest(
        string method,
        string path,
        string query,
        string? filter,
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, IReadOnlyList<string>> headers,
        int? statusCode,
        string? body)
    {
        Body = body;
        Method = method;
        Path = path;
        Query = query;
        Filter = filter;
        Headers = headers;
        StatusCode = statusCode;
        Limit = Number(parameters, "limit");
        Offset = Number(parameters, "offset");
        Order = parameters.TryGetValue("order", out var order) ? order : null;
        Select = parameters.TryGetValue("select", out var select) ? select : null;
        IsStreaming = headers.TryGetValue("MPT-Streaming", out var streaming) && streaming.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The HTTP method, e.g. <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The path, e.g. <c>/public/v1/integration/extensions/EXT-6822-9898-4256/instances</c>.</summary>
    public string Path { get; }

    /// <summary>The whole query string, decoded as the platform decodes it, without the leading <c>?</c> (empty when there was none).</summary>
    public string Query { get; }

    /// <summary>
    /// The RQL filter: the decoded query parts other than <c>limit</c>, <c>offset</c>, <c>order</c> and <c>select</c>, joined
    /// with <c>&amp;</c> (e.g. <c>eq(status,"Running")</c>), or <see langword="null"/> when the request had none.
    /// </summary>
    public string? Filter { get; }

    /// <summary>The <c>limit</c> sent, or <see langword="null"/>.</summary>
    public int? Limit { get; }

    /// <summary>The <c>offset</c> sent, or <see langword="null"/>.</summary>
    public int? Offset { get; }

    /// <summary>The <c>order</c> sent (e.g. <c>-audit.created.at</c>), or <see langword="null"/>.</summary>
    public string? Order { get; }

    /// <summary>The <c>select</c> sent (e.g. <c>+audit</c>), or <see langword="null"/>.</summary>
    public string? Select { get; }

    /// <summary>Whether the request asked for the streaming mode (<c>MPT-Streaming: true</c>).</summary>
    public bool IsStreaming { get; }

    /// <summary>The request headers, names as sent; <c>Authorization</c> keeps its scheme and masks the credential (<c>Bearer ***</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>
    /// The request body as text (UTF-8), e.g. the JSON of a POST or PUT, or <see langword="null"/> for a request without one;
    /// the client's token is masked (<c>***</c>) wherever it appears in it.
    /// </summary>
    public string? Body { get; }

    /// <summary>The status the server answered with, or <see langword="null"/> when no response was recorded (a cut-off one).</summary>
    public int? StatusCode { get; }

    /// <summary><c>GET /path?query</c> (the body is in <see cref="Body"/>).</summary>
    public override string ToString() => Method + " " + Path + (Query.Length == 0 ? "" : "?" + Query);

    internal static MarketplaceTestRequest From(ILogEntry entry)
    {
        var request = entry.RequestMessage!;
        var raw = (request.RawQuery ?? "").TrimStart('?');
        var (filter, parameters) = ReadQuery(raw);
        var headers = (request.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .Where(h => !string.Equals(h.Key, TestServerFaults.DelayedHeader, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(
                h => h.Key,
                h => (IReadOnlyList<string>)(string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)
                    ? h.Value.Select(Mask).ToList()
                    : h.Value.ToList()),
                StringComparer.OrdinalIgnoreCase);
        var status = entry.ResponseMessage?.StatusCode switch
        {
            int code => code,
            string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) => code,
            _ => (int?)null,
        };
        var body = request.Body ?? (request.BodyAsBytes is { Length: > 0 } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null);
        var credential = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value?
            .Select(v => v.IndexOf(' ') is var space and > 0 ? v[(space + 1)..].Trim() : v.Trim()).FirstOrDefault(v => v.Length > 0);
        if (body is not null && credential is not null) body = body.Replace(credential, "***", StringComparison.Ordinal);
        return new MarketplaceTestRequest(request.Method, request.Path, Decode(raw), filter, parameters, headers, status, string.IsNullOrEmpty(body) ? null : body);
    }

    // The query string as the platform reads it: limit, offset, order and select by name; every other part is RQL.
    internal static (string? Filter, Dictionary<string, string> Parameters) ReadQuery(string? rawQuery)
    {
        var filter = new List<string>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (rawQuery ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var key = equals > 0 ? part.Substring(0, equals) : null;
            if (key is not null && Named.Contains(key, StringComparer.Ordinal)) parameters[key] = Decode(part.Substring(equals + 1));
            else filter.Add(Decode(part));
        }
        return (filter.Count == 0 ? null : string.Join("&", filter), parameters);
    }

    // ASP.NET Core's reading of a query string: + is a space, then percent-decoding.
    internal static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Mask(string value)
    {
        var space = value.IndexOf(' ');
        return space > 0 ? string.Concat(value.AsSpan(0, space), " ***") : "***";
    }

    private static int? Number(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
}
