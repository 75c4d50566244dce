using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using Xunit;

namespace Marketplace.Client.Tests.Contract;

/// <summary>The conforming recordings together show every property of every schema the two operations return.</summary>
public class RecordingCoverageTests
{
    [Fact]
    public void Every_property_of_every_response_schema_appears_in_a_conforming_recording()
    {
        var expected = new SortedSet<string>();
        var seen = new HashSet<string>();
        foreach (var operation in Recording.All.Select(r => r.Operation).Distinct())
        {
            var schema = ContractSpec.ResponseSchema(operation);
            Expect(schema, expected, new HashSet<JsonSchema>());
            foreach (var recording in Recording.All.Where(r => r.Operation == operation && r.IsSuccess && r.Tolerates.Count == 0 && !r.IsStreamed))
                Walk(recording.Body, schema, seen);
        }

        var missing = expected.Where(p => !seen.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "No conforming recording shows: " + string.Join(", ", missing));
        Assert.True(expected.Count > 80, $"Only {expected.Count} properties were expected: the schema walk is broken.");
    }

    private static JsonSchema Resolve(JsonSchema schema)
    {
        schema = schema.ActualSchema;
        while (schema.AllOf.Count == 1 && schema.Properties.Count == 0) schema = schema.AllOf.First().ActualSchema;
        return schema;
    }

    private static string Name(JsonSchema schema) => ContractSpec.SchemaNames.TryGetValue(schema, out var name) ? name : "(inline)";

    private static void Expect(JsonSchema schema, ISet<string> expected, ISet<JsonSchema> visited)
    {
        schema = Resolve(schema);
        if (!visited.Add(schema)) return;
        if (schema.Item is { } item) Expect(item, expected, visited);
        foreach (var property in schema.ActualProperties)
        {
            // Marked in the overlay: only a streamed response carries it (e.g. $meta.deleted); paged recordings cannot.
            if (property.Value.ExtensionData?.ContainsKey("x-marketplace-streaming-only") == true) continue;
            expected.Add(Name(schema) + "." + property.Key);
            Expect(property.Value, expected, visited);
        }
    }

    private static void Walk(JToken token, JsonSchema schema, ISet<string> seen)
    {
        schema = Resolve(schema);
        switch (token)
        {
            case JArray array when schema.Item is { } item:
                foreach (var element in array) Walk(element, item, seen);
                break;
            case JObject json:
                foreach (var property in schema.ActualProperties)
                {
                    if (json.TryGetValue(property.Key, out var value))
                    {
                        seen.Add(Name(schema) + "." + property.Key);
                        Walk(value, property.Value, seen);
                    }
                }
                break;
        }
    }
}
