using System;
using System.Linq;
using Marketplace.Client.SpecMerge;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.SpecMerge;

/// <summary>The rules applied to every fragment (SpecRules), each on a small spec of its own.</summary>
public class SpecRulesTests
{
    private const string Envelope = """
        {"type":"object","properties":{"$meta":{"allOf":[{"$ref":"#/components/schemas/ListMetadata"}]},"data":{"type":"array","items":{"$ref":"#/components/schemas/Thing"}}}}
        """;

    private static JObject Spec(string paths, string schemas = "") => JObject.Parse(
        "{\"openapi\":\"3.0.1\",\"paths\":{" + paths + "},\"components\":{\"schemas\":{" +
        "\"ListMetadata\":{\"type\":\"object\"},\"Thing\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}},\"ThingList\":" + Envelope +
        (schemas.Length > 0 ? "," + schemas : "") + "}}}");

    private static string ListOperation(string path, string? operationId, string parameters = "") =>
        $"\"{path}\":{{\"get\":{{" + (operationId is null ? "" : $"\"operationId\":\"{operationId}\",") +
        (parameters.Length > 0 ? $"\"parameters\":[{parameters}]," : "") +
        "\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/ThingList\"}}}}}}}";

    [Fact]
    public void An_operation_without_an_operation_id_fails_with_the_overlay_action_to_add()
    {
        var spec = Spec(ListOperation("/public/v1/integration/extensions/{extensionId}/things", null));

        var error = Assert.Throws<SpecMergeException>(() => SpecRules.Apply(spec));

        Assert.Contains("GET /public/v1/integration/extensions/{extensionId}/things", error.Message, StringComparison.Ordinal);
        var action = JObject.Parse(error.Message.Substring(error.Message.IndexOf("{\"target\"", StringComparison.Ordinal)));
        Assert.Equal("$.paths['/public/v1/integration/extensions/{extensionId}/things'].get", (string?)action["target"]);
        Assert.Equal("ListExtensionThings", (string?)action["update"]!["operationId"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)action["description"]));
    }

    [Theory]
    [InlineData("/public/v1/commerce/orders", "get", "ListOrders")]
    [InlineData("/public/v1/commerce/orders", "post", "CreateOrder")]
    [InlineData("/public/v1/commerce/orders/{id}", "get", "GetOrder")]
    [InlineData("/public/v1/commerce/orders/{id}", "put", "UpdateOrder")]
    [InlineData("/public/v1/commerce/orders/{id}", "delete", "DeleteOrder")]
    [InlineData("/public/v1/commerce/orders/{id}/complete", "post", "CompleteOrder")]
    [InlineData("/public/v1/commerce/orders/{id}/lines", "post", "CreateOrderLine")]
    [InlineData("/public/v1/integration/extensions/{extensionId}/instances/{id}/disconnect", "post", "DisconnectExtensionInstance")]
    public void The_suggested_name_reads_as_what_the_operation_does(string path, string method, string expected)
    {
        var spec = Spec($"\"{path}\":{{\"{method}\":{{\"responses\":{{\"204\":{{\"description\":\"No Content\"}}}}}}}}");

        var error = Assert.Throws<SpecMergeException>(() => SpecRules.Apply(spec));

        var action = JObject.Parse(error.Message.Substring(error.Message.IndexOf("{\"target\"", StringComparison.Ordinal)));
        Assert.Equal(expected, (string?)action["update"]!["operationId"]);
    }

    [Fact]
    public void The_suggested_action_works_as_an_overlay_action()
    {
        var spec = Spec(ListOperation("/public/v1/commerce/orders", null));
        var error = Assert.Throws<SpecMergeException>(() => SpecRules.Apply(spec));
        var action = JObject.Parse(error.Message.Substring(error.Message.IndexOf("{\"target\"", StringComparison.Ordinal)));

        OverlayApplier.Apply(spec, new JObject { ["overlay"] = "1.0.0", ["actions"] = new JArray(action) }, "overlay.json");
        SpecRules.Apply(spec);

        Assert.Equal("ListOrders", (string?)spec.SelectToken("$.paths['/public/v1/commerce/orders'].get.operationId"));
    }

    [Fact]
    public void Error_answers_keep_their_description_and_lose_their_schema_while_success_answers_keep_theirs()
    {
        static string Problem(string description) =>
            "{\"description\":\"" + description + "\",\"content\":{\"application/problem+json\":{\"schema\":{\"type\":\"object\"}}}}";
        var spec = Spec("\"/a/things/{thingId}\":{\"delete\":{\"operationId\":\"DeleteThing\",\"responses\":{" +
            "\"204\":{\"description\":\"No Content\"}," +
            "\"201\":{\"description\":\"Created\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Thing\"}}}}," +
            "\"404\":" + Problem("Not Found") + ",\"409\":" + Problem("Conflict") + ",\"default\":" + Problem("Error") + "}}}");

        SpecRules.Apply(spec);

        var responses = (JObject)spec.SelectToken("$.paths['/a/things/{thingId}'].delete.responses")!;
        foreach (var status in new[] { "404", "409", "default" })
        {
            Assert.Null(responses[status]!["content"]);
            Assert.False(string.IsNullOrEmpty((string?)responses[status]!["description"]));
        }
        Assert.Equal("#/components/schemas/Thing", (string?)responses.SelectToken("['201'].content['application/json'].schema['$ref']"));
        Assert.Equal("No Content", (string?)responses["204"]!["description"]);
    }

    [Fact]
    public void A_list_operation_gets_limit_and_offset_once()
    {
        var spec = Spec(
            ListOperation("/a/things", "ListThings") + "," +
            ListOperation("/b/things", "ListOtherThings", "{\"name\":\"limit\",\"in\":\"query\",\"schema\":{\"type\":\"integer\"}}"));

        SpecRules.Apply(spec);

        Assert.Equal(
            new[] { "#/components/parameters/Limit", "#/components/parameters/Offset" },
            spec.SelectTokens("$.paths['/a/things'].get.parameters[*]['$ref']").Select(t => (string?)t));
        Assert.Equal(new[] { "limit", "#/components/parameters/Offset" },
            spec.SelectToken("$.paths['/b/things'].get.parameters")!.Select(p => (string?)p["name"] ?? (string?)p["$ref"]));
        Assert.Equal(100, (int)spec.SelectToken("$.components.parameters.Limit.schema.maximum")!);
        Assert.Equal(0, (int)spec.SelectToken("$.components.parameters.Offset.schema.minimum")!);
    }

    [Fact]
    public void A_limit_path_segment_is_not_the_paging_parameter_and_is_renamed_so_both_can_be_taken()
    {
        var spec = Spec(ListOperation("/pages/{limit}/things", "ListThings", "{\"name\":\"limit\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}"));

        SpecRules.Apply(spec);

        Assert.Null(spec.SelectToken("$.paths['/pages/{limit}/things']"));
        Assert.Equal(
            new[] { "limitSegment", "#/components/parameters/Limit", "#/components/parameters/Offset" },
            spec.SelectToken("$.paths['/pages/{limitSegment}/things'].get.parameters")!.Select(p => (string?)p["name"] ?? (string?)p["$ref"]));
    }

    [Fact]
    public void An_operation_that_returns_one_object_gets_no_paging()
    {
        var spec = Spec("\"/things/{thingId}\":{\"get\":{\"operationId\":\"GetThing\",\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Thing\"}}}}}}}");

        SpecRules.Apply(spec);

        Assert.Null(spec.SelectToken("$.paths['/things/{thingId}'].get.parameters"));
        Assert.Null(spec.SelectToken("$.components.parameters"));
    }

    [Fact]
    public void An_id_path_parameter_is_named_after_its_collection()
    {
        var spec = Spec(ListOperation("/public/v1/extensions/{id}/things", "ListThings", "{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}")
            + "," + ListOperation("/public/v1/categories/{id}/things", "ListCategoryThings", "{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}"));

        SpecRules.Apply(spec);

        Assert.Equal("extensionId", (string?)spec.SelectToken("$.paths['/public/v1/extensions/{extensionId}/things'].get.parameters[0].name"));
        Assert.Equal("categoryId", (string?)spec.SelectToken("$.paths['/public/v1/categories/{categoryId}/things'].get.parameters[0].name"));
        Assert.Null(spec.SelectToken("$.paths['/public/v1/extensions/{id}/things']"));
    }

    [Fact]
    public void An_object_type_around_a_single_reference_means_the_reference_wherever_it_is()
    {
        var spec = Spec(ListOperation("/things", "ListThings"),
            "\"Holder\":{\"type\":\"object\",\"properties\":{\"owner\":{\"type\":\"object\",\"allOf\":[{\"$ref\":\"#/components/schemas/Thing\"}]}," +
            "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"allOf\":[{\"$ref\":\"#/components/schemas/Thing\"}]}}," +
            "\"extended\":{\"type\":\"object\",\"allOf\":[{\"$ref\":\"#/components/schemas/Thing\"}],\"properties\":{\"more\":{\"type\":\"string\"}}}}}");

        SpecRules.Apply(spec);

        Assert.Null(spec.SelectToken("$.components.schemas.Holder.properties.owner.type"));
        Assert.Null(spec.SelectToken("$.components.schemas.Holder.properties.items.items.type"));
        // A real extension of X (its own properties) is left as it is.
        Assert.Equal("object", (string?)spec.SelectToken("$.components.schemas.Holder.properties.extended.type"));
    }

    [Fact]
    public void Every_dollar_meta_is_named_metadata_and_a_given_name_is_kept()
    {
        var spec = Spec(ListOperation("/things", "ListThings"),
            "\"Named\":{\"type\":\"object\",\"properties\":{\"$meta\":{\"type\":\"object\",\"x-ms-client-name\":\"PlatformMeta\"},\"meta\":{\"type\":\"string\"}}}");

        SpecRules.Apply(spec);

        Assert.Equal("Metadata", (string?)spec.SelectToken("$.components.schemas.ThingList.properties['$meta']['x-ms-client-name']"));
        Assert.Equal("PlatformMeta", (string?)spec.SelectToken("$.components.schemas.Named.properties['$meta']['x-ms-client-name']"));
        Assert.Null(spec.SelectToken("$.components.schemas.Named.properties.meta['x-ms-client-name']"));
    }

    [Fact]
    public void A_schema_property_named_type_or_name_does_not_confuse_the_rules()
    {
        var spec = Spec(ListOperation("/things", "ListThings"),
            "\"Odd\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"name\":{\"type\":\"object\",\"allOf\":[{\"$ref\":\"#/components/schemas/Thing\"}]}}}");

        SpecRules.Apply(spec);

        Assert.Null(spec.SelectToken("$.components.schemas.Odd.properties.name.type"));
    }
}
