using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Xml.Linq;

namespace Marketplace.Client.Generators;

/// <summary>
/// The XML documentation of an operation's public methods, by rule: what the spec says of it (its summary and the
/// description of each parameter, which NSwag copies into the generated method) and, where the spec says nothing, a
/// sentence derived from the method and path; then what the method returns, how it is retried and what it throws.
/// NSwag's own boilerplate (<c>&lt;returns&gt;OK&lt;/returns&gt;</c>, "A server side error occurred", "A cancellation
/// token that can be used by other objects…") never reaches the public docs, and every parameter is documented, so a
/// new fragment compiles under warnings-as-errors (CS1573) whatever its spec leaves out.
/// </summary>
internal static class OperationDocs
{
    private const string ApiException = "global::Marketplace.Client.MarketplaceApiException";

    /// <summary>The summary: the spec's words, or a sentence derived from the method and path.</summary>
    public static string Summary(Operation operation)
    {
        var spec = Element(operation.Documentation, "summary");
        var text = spec is null ? Derived(operation) : Inner(spec).Trim();
        return "<summary>\n" + text + "\n</summary>\n";
    }

    /// <summary>The <c>&lt;param&gt;</c> of each of <paramref name="parameters"/>: the spec's description or a derived one.</summary>
    public static string Parameters(Operation operation, IEnumerable<Parameter> parameters)
    {
        var specified = Elements(operation.Documentation, "param")
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .GroupBy(p => (string?)p.Attribute("name") ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Inner(g.First()).Trim(), StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var parameter in parameters)
        {
            var text = parameter.IsCancellationToken ? "Cancels the call."
                : !parameter.IsBody && parameter.PartName is null && specified.TryGetValue(parameter.SourceName, out var described) ? described
                : Derived(operation, parameter);
            builder.Append("<param name=\"").Append(parameter.Name).Append("\">").Append(text).Append("</param>\n");
        }
        return builder.ToString();
    }

    /// <summary>The <c>&lt;returns&gt;</c> and <c>&lt;remarks&gt;</c> (retries) of a one-call method, and its exceptions.</summary>
    public static string Outcome(Operation operation)
    {
        var statuses = operation.SuccessStatuses.Count == 0 ? "a 2xx status" : string.Join(" or ", operation.SuccessStatuses.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        var builder = new StringBuilder();
        if (operation.ResponseType is { } response)
            builder.Append("<returns>The <see cref=\"").Append(response).Append("\"/> the server answered with (").Append(statuses).Append(")")
                .Append(operation.MayAnswerNoContent ? "; <see langword=\"null\"/> when it answered 204 No Content, which is a success" : "")
                .Append(".</returns>\n");
        else if (operation.Download is not null)
            builder.Append("<returns>The file (").Append(statuses).Append(") as a <see cref=\"global::Marketplace.Client.MarketplaceDownload\"/>, which you dispose: ")
                .Append("its content type, its file name from <c>Content-Disposition</c>, and its bytes read as they arrive, never held in memory whole ")
                .Append("(<see cref=\"global::Marketplace.Client.MarketplaceClientOptions.MaxResponseBytes\"/> does not apply).</returns>\n");
        else
            builder.Append("<returns>A task that completes when the server has answered with ").Append(statuses)
                .Append(" (a body that comes with it is not read).</returns>\n");
        builder.Append("<remarks>").Append(Retries(operation)).Append("</remarks>\n");
        builder.Append("<exception cref=\"").Append(ApiException).Append("\">The server answered with an error status (<see cref=\"")
            .Append(ApiException).Append(".StatusCode\"/>, with the problem details: <see cref=\"").Append(ApiException)
            .Append(".Title\"/>, <see cref=\"").Append(ApiException).Append(".Detail\"/>, <see cref=\"").Append(ApiException).Append(".Errors\"/>)")
            .Append(operation.ResponseType is null ? "" : ", or with a body that is not the model")
            .Append(".</exception>\n");
        builder.Append("<exception cref=\"global::System.Net.Http.HttpRequestException\">The server could not be reached or the connection failed")
            .Append(operation.IsRead ? " on every attempt" : "").Append(".</exception>\n");
        builder.Append("<exception cref=\"global::System.TimeoutException\">No answer within <see cref=\"global::Marketplace.Client.MarketplaceClientOptions.AttemptTimeout\"/>")
            .Append(operation.IsRead ? " on the last attempt" : "").Append(".</exception>\n");
        if (operation.Parameters.Any(p => p.RequiresValue))
            builder.Append("<exception cref=\"global::System.ArgumentNullException\">")
                .Append(operation.Body is { RequiresValue: true } ? "A path parameter or the body"
                    : operation.Parameters.Any(p => p.RequiresValue && p.PartName is not null) ? "A path parameter or a required part"
                    : "A path parameter").Append(" is null; nothing is sent.</exception>\n");
        return builder.ToString();
    }

    /// <summary>How the call is retried, in one sentence per shape (README, "Retries").</summary>
    public static string Retries(Operation operation) => operation.Download is not null
        ? "A download: retried like any read (with back-off, obeying <c>Retry-After</c>, on 408, 429, 500, 502, 503, 504, a dropped connection " +
          "or an attempt timeout) until the headers arrive; a break after that ends your read with an <see cref=\"global::System.IO.IOException\"/>. " +
          "A redirect to another host (where the bytes are) is followed over https without the <c>Authorization</c> header."
        : operation.IsRead
        ? "A read: retried (with back-off, obeying <c>Retry-After</c>) on 408, 429, 500, 502, 503, 504, a dropped connection or an attempt timeout."
        : "A write: sent once. It is sent again only after a 429 (the platform refused it before doing anything), never after a 5xx, a dropped " +
          "connection or a timeout, which can come after the write took effect; it never follows a redirect to another host." +
          (operation.Parameters.Any(p => p.IsFilePart) ? " A file whose stream cannot seek is not sent again even then: the 429 comes back to you." : "");

    // GET …/instances/{instanceId} → "Gets one instance by its ID"; POST …/instances → "Creates an instance"; POST
    // …/{instanceId}/disconnect → "Performs the 'disconnect' action on an instance". A sentence for the docs, not a name.
    private static string Derived(Operation operation)
    {
        var segments = operation.Path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
        var literals = segments.Where(s => !s.StartsWith("{", StringComparison.Ordinal)).ToList();
        var last = segments.LastOrDefault() ?? "";
        var endsWithParameter = last.StartsWith("{", StringComparison.Ordinal);
        var resource = literals.LastOrDefault() ?? "resource";
        var action = !endsWithParameter && segments.Length >= 2 && segments[segments.Length - 2].StartsWith("{", StringComparison.Ordinal)
                     && !resource.EndsWith("s", StringComparison.Ordinal) && literals.Count >= 2;
        var owner = literals.Count >= 2 ? Words(Singular(literals[literals.Count - 2])) : "resource";
        var one = Words(Singular(resource));
        var sentence = operation.Method switch
        {
            "GET" when operation.Download is not null => $"Downloads {Article(one)} {one} (a file)",
            "GET" when endsWithParameter => $"Gets one {one} by its ID",
            "GET" => $"Gets the {Words(resource)} of a {owner}",
            "POST" when action => $"Performs the '{resource}' action on {Article(owner)} {owner}",
            "POST" => $"Creates {Article(one)} {one}",
            "PUT" => $"Updates {Article(one)} {one}",
            "DELETE" => $"Deletes {Article(one)} {one}",
            _ => $"Sends {operation.Method} to the {Words(resource)}",
        };
        return sentence + ": <c>" + operation.Method + " /" + Xml(operation.Path.TrimStart('/')) + "</c>.";
    }

    private static string Derived(Operation operation, Parameter parameter)
    {
        if (parameter.IsBody)
        {
            var type = parameter.Type.TrimEnd('?');
            return $"The <see cref=\"{type}\"/> to send as the JSON body: only the properties that were set (by you, or read from the server) " +
                   "are sent, and unknown properties and enum values go back exactly as they were read.";
        }
        if (parameter.IsFilePart)
            return $"The file sent as the <c>{Xml(parameter.PartName!)}</c> part, with its file name and content type; its stream is read from its position " +
                   "to the end as it is sent (never buffered whole) and not disposed.";
        if (parameter.PartName is { } part)
        {
            var type = parameter.Type.TrimEnd('?');
            return type is "string" or "bool" or "int" or "long" or "double" or "decimal"
                ? $"The <c>{Xml(part)}</c> part, sent as text."
                : $"The <see cref=\"{type}\"/> sent as the <c>{Xml(part)}</c> part: compact UTF-8 <c>application/json</c> with only the properties that were set.";
        }
        if (parameter.IsPathSegment)
        {
            var name = parameter.Placeholder!;
            var bare = name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("-id", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase)
                ? name.Substring(0, name.Length - (name[name.Length - 3] is '-' or '_' ? 3 : 2))
                : null;
            return bare is { Length: > 0 }
                ? $"The ID of the {Words(bare)} (one path segment, escaped)."
                : $"The <c>{{{Xml(name)}}}</c> segment of the path (escaped).";
        }
        if (parameter.QueryName is { } query)
            return $"The <c>{Xml(query)}</c> query parameter; <see langword=\"null\"/> leaves it out.";
        return $"The <c>{Xml(parameter.Name)}</c> argument.";
    }

    // "extensionInstances" / "extension-instances" → "extension instances".
    private static string Words(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.') builder.Append(' ');
            else if (char.IsUpper(c)) builder.Append(builder.Length > 0 ? " " : "").Append(char.ToLowerInvariant(c));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static string Article(string noun) => noun.Length > 0 && "aeiou".IndexOf(char.ToLowerInvariant(noun[0])) >= 0 ? "an" : "a";

    private static string Singular(string word) =>
        word.EndsWith("ies", StringComparison.Ordinal) ? word.Substring(0, word.Length - 3) + "y"
        : word.EndsWith("sses", StringComparison.Ordinal) ? word.Substring(0, word.Length - 2)
        : word.EndsWith("s", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) ? word.Substring(0, word.Length - 1)
        : word;

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static XElement? Element(string documentation, string name) => Elements(documentation, name).FirstOrDefault(e => !string.IsNullOrWhiteSpace(e.Value));

    private static IEnumerable<XElement> Elements(string documentation, string name)
    {
        try
        {
            return XElement.Parse("<doc>" + documentation + "</doc>", LoadOptions.PreserveWhitespace).Elements(name).ToList();
        }
        catch (System.Xml.XmlException)
        {
            return Enumerable.Empty<XElement>();
        }
    }

    private static string Inner(XElement element) => string.Concat(element.Nodes().Select(n => n.ToString()));
}
