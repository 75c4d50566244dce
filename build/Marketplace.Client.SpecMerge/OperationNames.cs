using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// An operation's name by rule, from its method, its path and what it answers: the platform ships no operationIds, and
/// at about 610 operations a hand-written name for each is not an option. README.md, "Operation names", has the table.
/// </summary>
/// <remarks>
/// The path is read after <c>/public/v1/</c> and its module (<c>integration</c>, <c>commerce</c>, …): literal segments
/// are resources, <c>{placeholders}</c> their IDs. Each resource but the last is one item of its collection (singular:
/// <c>orders/{orderId}/lines</c> is an order's lines); the last one says what the operation acts on:
/// <list type="table">
/// <listheader><term>operation</term><description>name</description></listheader>
/// <item><term><c>GET /orders</c>, answering the list envelope</term><description><c>ListOrders</c></description></item>
/// <item><term><c>GET /orders/{id}</c></term><description><c>GetOrder</c></description></item>
/// <item><term><c>GET</c> answering a file (binary, an image, a PDF)</term><description><c>DownloadProductIcon</c></description></item>
/// <item><term><c>GET</c> anything else (a singleton, a text)</term><description><c>GetOrderTemplate</c></description></item>
/// <item><term><c>POST /orders</c>; <c>POST /{id}/lines</c>; a POST answering 201 or taking <c>multipart/form-data</c></term><description><c>CreateOrder</c>, <c>CreateOrderLine</c>, <c>CreateProductMedia</c></description></item>
/// <item><term><c>POST /orders/{id}/validate</c> (an action: a singular word after an ID)</term><description><c>ValidateOrder</c></description></item>
/// <item><term><c>PUT /orders/{id}</c>; <c>PUT /products/{id}/icon</c></term><description><c>UpdateOrder</c>, <c>UpdateProductIcon</c></description></item>
/// <item><term><c>DELETE /orders/{id}</c></term><description><c>DeleteOrder</c></description></item>
/// <item><term><c>GET /orders/{orderId}/subscriptions</c> (nested)</term><description><c>ListOrderSubscriptions</c></description></item>
/// </list>
/// Two operations that would get one name (the same resources in two modules) are told apart by their modules
/// (<see cref="Name.Qualified"/>); names that still collide fail the merge naming both operations.
/// </remarks>
public static class OperationNames
{
    private static readonly Regex Version = new("^v[0-9]+$", RegexOptions.CultureInvariant);

    /// <summary>An operation's name by rule: its verb, the module it is in, and the resources it acts on.</summary>
    /// <param name="Verb">List, Get, Download, Create, Update, Delete, or an action's own verb (Validate).</param>
    /// <param name="Module">The module's name in PascalCase (Commerce), or empty when the path has none.</param>
    /// <param name="Resources">The resources, PascalCase (OrderSubscriptions).</param>
    public sealed record Name(string Verb, string Module, string Resources)
    {
        /// <summary>The name: verb and resources (<c>ListOrderSubscriptions</c>).</summary>
        public string Short => Verb + Resources;

        /// <summary>The name with the module (<c>ListCommerceOrderSubscriptions</c>), for a name two modules share.</summary>
        public string Qualified => Verb + Module + Resources;
    }

    /// <summary>The name the rule gives <paramref name="operation"/>.</summary>
    /// <param name="path">Its path template, e.g. <c>/public/v1/commerce/orders/{id}/validate</c>.</param>
    /// <param name="method">Its HTTP method, any case.</param>
    /// <param name="operation">The operation object (its responses and request body are read).</param>
    /// <param name="answersWithList">Whether its 200 body is the list envelope (<c>$meta</c> and a <c>data</c> array).</param>
    public static Name For(string path, string method, JObject operation, bool answersWithList)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (method is null) throw new ArgumentNullException(nameof(method));
        var segments = path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).ToList();
        var version = segments.FindIndex(s => Version.IsMatch(s));
        if (version >= 0) segments = segments.Skip(version + 1).ToList();
        var module = segments.Count > 1 && !IsPlaceholder(segments[0]) ? Pascal(segments[0]) : "";
        if (module.Length > 0) segments = segments.Skip(1).ToList();

        var literals = new List<(string Text, bool Identified)>();
        for (var i = 0; i < segments.Count; i++)
        {
            if (IsPlaceholder(segments[i])) continue;
            literals.Add((segments[i], i + 1 < segments.Count && IsPlaceholder(segments[i + 1])));
        }
        if (literals.Count == 0) literals.Add((module.Length > 0 ? module : "Root", false));
        var endsWithId = segments.Count > 0 && IsPlaceholder(segments[segments.Count - 1]);
        var last = literals[literals.Count - 1].Text;
        var parents = string.Concat(literals.Take(literals.Count - 1).Select(l => Pascal(l.Identified ? Singular(l.Text) : l.Text)));
        var one = parents + Pascal(Singular(last));
        var all = parents + Pascal(last);

        switch (method.ToLowerInvariant())
        {
            case "get" when AnswersWithFile(operation):
                return new Name("Download", module, endsWithId ? one : all);
            case "get" when answersWithList:
                return new Name("List", module, all);
            case "get":
                return new Name("Get", module, endsWithId ? one : all);
            case "post" when !endsWithId && (Creates(operation) || IsPlural(last)):
                return new Name("Create", module, one);
            case "post" when !endsWithId && literals.Count > 1:
                return new Name(Pascal(last), module, parents); // an action: POST /orders/{id}/validate
            case "put":
            case "patch":
                return new Name("Update", module, endsWithId ? one : all);
            case "delete":
                return new Name("Delete", module, endsWithId ? one : all);
            default:
                return new Name(Pascal(method), module, endsWithId ? one : all);
        }
    }

    private static bool IsPlaceholder(string segment) => segment.StartsWith("{", StringComparison.Ordinal) && segment.EndsWith("}", StringComparison.Ordinal);

    // A POST that makes something: it answers 201 Created, or uploads (multipart/form-data).
    private static bool Creates(JObject operation) =>
        operation["responses"] is JObject responses && responses.Property("201") is not null
        || operation.SelectToken("requestBody.content") is JObject content && content.Properties().Any(p => p.Name.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));

    // A success that is a file: a binary schema, or a media type that is not JSON or text.
    private static bool AnswersWithFile(JObject operation)
    {
        if (operation["responses"] is not JObject responses) return false;
        foreach (var response in responses.Properties().Where(p => p.Name.Length == 3 && p.Name[0] == '2'))
        {
            if (response.Value["content"] is not JObject content) continue;
            foreach (var media in content.Properties())
            {
                var type = media.Name.ToLowerInvariant();
                var binary = (string?)media.Value.SelectToken("schema.format") is "binary" or "byte";
                var json = type.Contains("json");
                if (binary || (!json && !type.StartsWith("text/", StringComparison.Ordinal) && type != "*/*")) return true;
            }
        }
        return false;
    }

    // orders, instances, categories: a collection. validate, process, status, access: an action or a singleton.
    private static bool IsPlural(string word) =>
        word.EndsWith("s", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal);

    /// <summary>The singular of a resource's name (<c>categories</c> → <c>category</c>, <c>addresses</c> → <c>address</c>).</summary>
    internal static string Singular(string word) =>
        word.EndsWith("ies", StringComparison.Ordinal) ? word.Substring(0, word.Length - 3) + "y"
        : word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            ? word.Substring(0, word.Length - 2)
        : IsPlural(word) ? word.Substring(0, word.Length - 1)
        : word;

    /// <summary><c>price-lists</c>, <c>price_lists</c> and <c>priceLists</c> as <c>PriceLists</c>.</summary>
    internal static string Pascal(string word)
    {
        var builder = new StringBuilder(word.Length);
        var upper = true;
        foreach (var c in word)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpper(c, CultureInfo.InvariantCulture) : c);
            upper = false;
        }
        return builder.ToString();
    }
}
