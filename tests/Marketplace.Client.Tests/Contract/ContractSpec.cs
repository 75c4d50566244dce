using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Marketplace.Client.SpecMerge;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// The merged spec, as the build makes it (the same merge code over the same openapi/ files; RepositorySpecTests
/// checks the bytes equal the build's obj/…/openapi.merged.json), loaded with NSwag's own reader; gives each
/// operation's 200 schema.
/// </summary>
public static class ContractSpec
{
    private static readonly Lazy<OpenApiDocument> Document = new(Load);

    public static string MergedJson()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "openapi");
        var fragments = System.IO.Directory.GetFiles(directory, "*.json")
            .Where(f => Path.GetFileName(f) != "overlay.json")
            .Select(f => SpecFragment.Parse(Path.GetFileName(f), File.ReadAllText(f)));
        var overlay = JObject.Parse(File.ReadAllText(Path.Combine(directory, "overlay.json")));
        return SpecBuilder.Build(fragments, ("overlay.json", overlay));
    }

    /// <summary>Each component schema's name, by schema instance.</summary>
    public static IReadOnlyDictionary<JsonSchema, string> SchemaNames => Names.Value;

    private static readonly Lazy<Dictionary<JsonSchema, string>> Names = new(() =>
        Document.Value.Components.Schemas.ToDictionary(p => p.Value.ActualSchema, p => p.Key, ReferenceEqualityComparer.Instance as IEqualityComparer<JsonSchema>));

    /// <summary>The JSON schema of the operation's 200 response body.</summary>
    public static JsonSchema ResponseSchema(string operationId)
    {
        var operation = Document.Value.Operations.SingleOrDefault(o => o.Operation.OperationId == operationId)
            ?? throw new InvalidOperationException($"The merged spec has no operation '{operationId}': recordings live in a folder named after an operationId.");
        return operation.Operation.ActualResponses["200"].Content["application/json"].Schema.ActualSchema;
    }

    /// <summary>The schema of one item of a list operation (a line of its stream).</summary>
    public static JsonSchema ItemSchema(string operationId) => ResponseSchema(operationId).ActualProperties["data"].ActualSchema.Item!.ActualSchema;

    /// <summary>Validation errors of each streamed record against the operation's item schema, each line prefixed with the record's number.</summary>
    public static IReadOnlyList<string> StreamViolations(string operationId, IReadOnlyList<JToken> records) =>
        records.SelectMany((record, i) => Flatten(ItemSchema(operationId).Validate(record, SchemaType.OpenApi3)).Select(v => $"record {i + 1}: {v}")).ToList();

    /// <summary>Validation errors of <paramref name="body"/> against the operation's 200 schema, one line each with JSON path and rule.</summary>
    public static IReadOnlyList<string> Violations(string operationId, JToken body) =>
        Flatten(ResponseSchema(operationId).Validate(body, SchemaType.OpenApi3)).ToList();

    private static IEnumerable<string> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is NJsonSchema.Validation.ChildSchemaValidationError child)
            {
                foreach (var line in Flatten(child.Errors.SelectMany(e => e.Value))) yield return line;
            }
            else
            {
                yield return $"{error.Path}: {error.Kind}" + (error.Token is JValue value ? $" (value: {value})" : "");
            }
        }
    }

    private static OpenApiDocument Load() => OpenApiDocument.FromJsonAsync(MergedJson()).GetAwaiter().GetResult();
}
