using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// What holds for every operation and schema of the Marketplace API, applied by rule to the merged spec after the
/// overlay (so the overlay, written against the fragments as published, only says what differs per operation).
/// README.md, "Rules applied to every fragment", lists the same rules for users.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>Every operation has a name, by rule.</b> A fragment has no operationId; without one the generator would invent
/// <c>Get2Async</c>. An operation the overlay does not name is named from its method, path and answer
/// (<see cref="OperationNames"/>: <c>ListOrders</c>, <c>GetOrder</c>, <c>ValidateOrder</c>, <c>DownloadProductIcon</c>); a
/// name two modules would share takes the modules, and names that still collide fail the merge at both operations.</item>
/// <item><b>A path parameter means the same thing everywhere.</b> <c>{id}</c> right after a collection segment is that
/// collection's ID: <c>/extensions/{id}/installations</c> becomes <c>/extensions/{extensionId}/installations</c>, as the
/// instances path already writes it. Only the name changes (the URL does not), so methods take <c>extensionId</c> alike.</item>
/// <item><b>A list operation pages.</b> Every GET whose 200 body is the list envelope (an object with <c>$meta</c> and a
/// <c>data</c> array) takes <c>limit</c> (0 to 100) and <c>offset</c>, which the fragments never declare (API-FACTS,
/// defect 2).</item>
/// <item><b>A path segment and a query parameter never share a name.</b> A <c>{limit}</c> segment of a list (which also
/// takes the <c>limit</c> query parameter) becomes <c>{limitSegment}</c>: the generator cannot give one method two
/// parameters of one name. Only the name changes, not the URL.</item>
/// <item><b><c>{type: object, allOf: [X]}</c> means X</b> wherever it occurs (defect 4): without <c>type</c> NSwag
/// references X instead of inventing a subclass per property (<c>Extension2</c>, <c>By</c>).</item>
/// <item><b><c>$meta</c> is <c>Metadata</c></b> on every schema (defect 3): <c>$meta</c> and <c>meta</c> would both become
/// <c>Meta</c>. The C# name is set with <c>x-ms-client-name</c>; the JSON name stays <c>$meta</c>.</item>
/// <item><b>Two properties never share a C# name.</b> NJsonSchema drops punctuation, so <c>type</c> and <c>@type</c> would both
/// be <c>Type</c>: the one with punctuation is named after it (<c>AtType</c>) with <c>x-ms-client-name</c>.</item>
/// <item><b>A list envelope is documented</b> as one page of its items when the spec says nothing about it.</item>
/// <item><b>An error answer is problem details.</b> Every status outside 2xx (and <c>default</c>) keeps its description and
/// loses its body schema: the client reads every error body the same way (<c>MarketplaceApiException</c>: Title, Detail, Errors, TraceId;
/// API-FACTS, "Errors"), and a schema there would make NSwag invent an exception type per operation.</item>
/// </list>
/// </remarks>
public static class SpecRules
{
    private static readonly string[] Methods = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };

    /// <summary>Applies every rule to <paramref name="document"/>, in the order listed.</summary>
    /// <exception cref="SpecMergeException">Two operations would get one name.</exception>
    public static void Apply(JObject document)
    {
        if (document is null) throw new ArgumentNullException(nameof(document));
        NameOperations(document);
        NamePathParameters(document);
        AddPagingParameters(document);
        SeparateSegmentNames(document);
        UnwrapSingleAllOf(document);
        NameMetadata(document);
        NamePropertiesApart(document);
        DocumentListEnvelopes(document);
        DropErrorBodies(document);
    }

    private static void DropErrorBodies(JObject document)
    {
        foreach (var (_, _, operation) in Operations(document))
        {
            if (operation["responses"] is not JObject responses) continue;
            foreach (var response in responses.Properties())
            {
                var status = response.Name;
                var success = status.Length == 3 && status[0] == '2';
                if (!success && response.Value is JObject answer) answer.Remove("content");
            }
        }
    }

    private static IEnumerable<(string Path, string Method, JObject Operation)> Operations(JObject document) =>
        (document["paths"] as JObject)?.Properties()
            .Where(p => p.Value is JObject)
            .SelectMany(p => ((JObject)p.Value).Properties()
                .Where(o => Array.IndexOf(Methods, o.Name) >= 0 && o.Value is JObject)
                .Select(o => (p.Name, o.Name, (JObject)o.Value)))
            .ToList()
        ?? Enumerable.Empty<(string, string, JObject)>();

    // Rule 1. Names come by rule (OperationNames); one the spec or the overlay gives wins. A rule name that two operations
    // would share (the same resources in two modules) takes their modules; names that still collide, given ones
    // included, fail the merge with one error at each operation.
    private static void NameOperations(JObject document)
    {
        var operations = Operations(document)
            .Select(o =>
            {
                var given = Text(o.Operation["operationId"]);
                var rule = string.IsNullOrWhiteSpace(given) ? OperationNames.For(o.Path, o.Method, o.Operation, IsListEnvelope(document, ResponseSchema(o.Operation))) : null;
                return (o.Path, o.Method, o.Operation, Given: given, Rule: rule, Name: rule?.Short ?? given!);
            })
            .ToList();
        var taken = operations.GroupBy(o => o.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        operations = operations.Select(o => o.Rule is { } rule && taken.Contains(o.Name) ? (o.Path, o.Method, o.Operation, o.Given, o.Rule, rule.Qualified) : o).ToList();

        var problems = new List<SpecProblem>();
        foreach (var group in operations.GroupBy(o => o.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var members = group.ToList();
            foreach (var member in members)
            {
                var others = string.Join(", ", members.Where(m => !ReferenceEquals(m.Operation, member.Operation)).Select(m => $"{m.Method.ToUpperInvariant()} {m.Path}"));
                var how = member.Rule is null ? "is named" : "would be named by rule";
                var (file, line, column) = SpecProblem.Place(member.Operation);
                problems.Add(new SpecProblem(
                    SpecProblem.NameCollision,
                    $"{member.Method.ToUpperInvariant()} {member.Path} {how} '{group.Key}', as is {others}: give one of them another name in openapi/overlay.json " +
                    $"(\"target\": \"$.paths['{member.Path}'].{member.Method}\", \"update\": {{\"operationId\": \"…\"}}).",
                    file, line, column));
            }
        }
        if (problems.Count > 0) throw new SpecMergeException(problems);
        foreach (var operation in operations.Where(o => o.Rule is not null)) operation.Operation["operationId"] = operation.Name;
    }

    private static void NamePathParameters(JObject document)
    {
        if (document["paths"] is not JObject paths) return;
        foreach (var path in paths.Properties().ToList())
        {
            var segments = path.Name.Split('/');
            var renames = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 1; i < segments.Length; i++)
            {
                if (segments[i] != "{id}" || segments[i - 1].Length == 0 || segments[i - 1].StartsWith("{", StringComparison.Ordinal)) continue;
                var name = Camel(Singular(segments[i - 1])) + "Id";
                if (segments.Contains("{" + name + "}")) continue;
                renames["id"] = name;
                segments[i] = "{" + name + "}";
            }
            if (renames.Count > 0) RenamePathParameters(path, segments, renames);
        }
    }

    // The parameters declared on a path and on each of its operations.
    private static List<JObject> Declarations(JObject item) =>
        new[] { item["parameters"] }.Concat(Methods.Select(m => item[m]?["parameters"])).OfType<JArray>().SelectMany(a => a.OfType<JObject>()).ToList();

    // Renames path parameters in every declaration of the path and in its template (now `segments`): only names change,
    // not the URL.
    private static void RenamePathParameters(JProperty path, string[] segments, Dictionary<string, string> renames)
    {
        var item = (JObject)path.Value;
        foreach (var parameter in Declarations(item))
        {
            if (Text(parameter["in"]) == "path" && Text(parameter["name"]) is { } old && renames.TryGetValue(old, out var renamed))
                parameter["name"] = renamed;
        }
        path.Replace(new JProperty(string.Join("/", segments), item));
    }

    private static void AddPagingParameters(JObject document)
    {
        var lists = Operations(document).Where(o => o.Method == "get" && IsListEnvelope(document, ResponseSchema(o.Operation))).ToList();
        if (lists.Count == 0) return;

        var components = document["components"] as JObject ?? (JObject)(document["components"] = new JObject());
        var parameters = components["parameters"] as JObject ?? (JObject)(components["parameters"] = new JObject());
        parameters["Limit"] ??= new JObject
        {
            ["name"] = "limit",
            ["in"] = "query",
            ["required"] = false,
            ["description"] = "How many items to return, 0 to 100 (the server caps larger values at 100). 0 returns no items, only $meta.pagination.total.",
            ["schema"] = new JObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = 0, ["maximum"] = 100 },
        };
        parameters["Offset"] ??= new JObject
        {
            ["name"] = "offset",
            ["in"] = "query",
            ["required"] = false,
            ["description"] = "How many items to skip from the start of the collection.",
            ["schema"] = new JObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = 0 },
        };

        foreach (var (_, _, operation) in lists)
        {
            var declared = operation["parameters"] as JArray ?? (JArray)(operation["parameters"] = new JArray());
            // Only a query parameter of that name is the paging one: a {limit} path segment is something else.
            var names = declared.OfType<JObject>().Select(p => Resolve(document, p)).Where(p => Text(p["in"]) == "query").Select(p => Text(p["name"])).ToList();
            if (!names.Contains("limit")) declared.Add(new JObject { ["$ref"] = "#/components/parameters/Limit" });
            if (!names.Contains("offset")) declared.Add(new JObject { ["$ref"] = "#/components/parameters/Offset" });
        }
    }

    private static void SeparateSegmentNames(JObject document)
    {
        if (document["paths"] is not JObject paths) return;
        foreach (var path in paths.Properties().ToList())
        {
            if (path.Value is not JObject item) continue;
            var queried = new HashSet<string>(
                Declarations(item).Select(p => Resolve(document, p)).Where(p => Text(p["in"]) == "query").Select(p => Text(p["name"]) ?? ""),
                StringComparer.Ordinal);
            var segments = path.Name.Split('/');
            var renames = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i].Length < 3 || segments[i][0] != '{' || segments[i][segments[i].Length - 1] != '}') continue;
                var name = segments[i].Substring(1, segments[i].Length - 2);
                if (!queried.Contains(name)) continue;
                var renamed = name + "Segment";
                while (segments.Contains("{" + renamed + "}") || queried.Contains(renamed)) renamed += "_";
                renames[name] = renamed;
                segments[i] = "{" + renamed + "}";
            }
            if (renames.Count > 0) RenamePathParameters(path, segments, renames);
        }
    }

    private static JToken? ResponseSchema(JObject operation) => operation.SelectToken("responses['200'].content['application/json'].schema");

    private static bool IsListEnvelope(JObject document, JToken? schema)
    {
        if (schema is not JObject s) return false;
        var resolved = Resolve(document, s);
        return resolved["properties"] is JObject properties
            && properties["$meta"] is not null
            && properties["data"] is JObject data
            && Text(Resolve(document, data)["type"]) == "array";
    }

    private static JObject Resolve(JObject document, JObject schema)
    {
        var seen = 0;
        while (Text(schema["$ref"]) is { } reference && reference.StartsWith("#/", StringComparison.Ordinal) && seen++ < 32)
        {
            var pointer = "$" + string.Concat(reference.Substring(1).Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Select(p => "['" + p + "']"));
            if (document.SelectToken(pointer) is not JObject target) break;
            schema = target;
        }
        return schema;
    }

    private static void UnwrapSingleAllOf(JObject document)
    {
        foreach (var schema in document.DescendantsAndSelf().OfType<JObject>().ToList())
        {
            if (Text(schema["type"]) == "object"
                && schema["allOf"] is JArray { Count: 1 } allOf
                && allOf[0] is JObject only && only["$ref"] is not null
                && schema["properties"] is null && schema["additionalProperties"] is null)
            {
                schema.Remove("type");
            }
        }
    }

    private static void NameMetadata(JObject document)
    {
        foreach (var properties in document.SelectTokens("$..properties").OfType<JObject>())
        {
            if (properties["$meta"] is JObject meta && meta["x-ms-client-name"] is null) meta["x-ms-client-name"] = "Metadata";
        }
    }

    // Rule 7. NJsonSchema drops a name's punctuation (@, $, _, -, .) and capitalizes the rest, so "type" and "@type" (a
    // JSON-LD pair) are both Type (CS0102 in the generated class). Where two properties of one schema would get one C#
    // name, the one with punctuation is named after it (@type is AtType, _id is UnderscoreId); the JSON name stays.
    // Two that differ only in case or in punctuation both ways cannot be told apart by rule and fail the merge.
    private static void NamePropertiesApart(JObject document)
    {
        var problems = new List<SpecProblem>();
        foreach (var properties in document.SelectTokens("$..properties").OfType<JObject>())
        {
            var named = properties.Properties().Where(p => p.Value is JObject).ToList();
            foreach (var group in named.GroupBy(p => Text(p.Value["x-ms-client-name"]) ?? Pascal(p.Name), StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                var plain = group.Where(p => p.Name.All(char.IsLetterOrDigit)).ToList();
                foreach (var property in group.Except(plain).Where(p => p.Value["x-ms-client-name"] is null))
                    property.Value["x-ms-client-name"] = Punctuation(property.Name) + Pascal(property.Name);
            }
            foreach (var group in named.GroupBy(p => Text(p.Value["x-ms-client-name"]) ?? Pascal(p.Name), StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                var names = string.Join(", ", group.Select(p => "'" + p.Name + "'"));
                var (file, line, column) = SpecProblem.Place(group.First().Value);
                problems.Add(new SpecProblem(SpecProblem.PropertyCollision,
                    $"The properties {names} at {properties.Path} would all be the C# property '{group.Key}': give all but one an \"x-ms-client-name\" in openapi/overlay.json.",
                    file, line, column));
            }
        }
        if (problems.Count > 0) throw new SpecMergeException(problems);
    }

    // The words for a name's leading punctuation: "@type" is At, "$ref" Dollar, "_id" Underscore, "--x" MinusMinus.
    private static string Punctuation(string name)
    {
        var words = new StringBuilder();
        foreach (var c in name.TakeWhile(c => !char.IsLetterOrDigit(c)))
            words.Append(c switch { '@' => "At", '$' => "Dollar", '_' => "Underscore", '-' => "Minus", '#' => "Hash", '.' => "Dot", '+' => "Plus", _ => "Symbol" });
        return words.Length > 0 ? words.ToString() : "Other";
    }

    private static void DocumentListEnvelopes(JObject document)
    {
        if (document.SelectToken("$.components.schemas") is not JObject schemas) return;
        foreach (var schema in schemas.Properties())
        {
            if (schema.Value is not JObject body || body["description"] is not null || !IsListEnvelope(document, body)) continue;
            var item = Text(Resolve(document, (JObject)body["properties"]!["data"]!)["items"]?["$ref"]);
            var itemName = item?.Substring(item.LastIndexOf('/') + 1) ?? "item";
            body["description"] = $"One page of {itemName} items: $meta (paging: offset, limit, total; fields omitted by default) and data.";
        }
    }

    // The string at a spec position, or null: a schema may have a property named "type" or "name" whose value is an object.
    private static string? Text(JToken? token) => token is JValue { Type: JTokenType.String } value ? (string?)value : null;

    private static string Singular(string word) => OperationNames.Singular(word);

    private static string Pascal(string word) => OperationNames.Pascal(word);

    private static string Camel(string word)
    {
        var pascal = Pascal(word);
        return pascal.Length == 0 ? pascal : char.ToLower(pascal[0], CultureInfo.InvariantCulture) + pascal.Substring(1);
    }
}
