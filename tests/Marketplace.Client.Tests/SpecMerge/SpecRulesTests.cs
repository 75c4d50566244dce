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

    // Issue 35, item 1: every operation is named by rule from its method, path and answer; the overlay only overrides.
    // The expected names are written from the rule as README states it ("Operation names"), one per operation shape.
    private const string NoContent = "{\"204\":{\"description\":\"No Content\"}}";
    private const string Created = "{\"201\":{\"description\":\"Created\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Thing\"}}}}}";
    private const string One = "{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Thing\"}}}}}";
    private const string Page = "{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/ThingList\"}}}}}";
    private const string Binary = "{\"200\":{\"description\":\"OK\",\"content\":{\"image/png\":{\"schema\":{\"type\":\"string\",\"format\":\"binary\"}}}}}";
    private const string Octets = "{\"200\":{\"description\":\"OK\",\"content\":{\"application/octet-stream\":{\"schema\":{\"type\":\"string\"}}}}}";
    private const string Text = "{\"200\":{\"description\":\"OK\",\"content\":{\"text/plain\":{\"schema\":{\"type\":\"string\"}}}}}";
    private const string Multipart = ",\"requestBody\":{\"content\":{\"multipart/form-data\":{\"schema\":{\"type\":\"object\"}}}}";

    [Theory]
    [InlineData("/public/v1/commerce/orders", "get", Page, "", "ListOrders")]
    [InlineData("/public/v1/commerce/orders/{id}", "get", One, "", "GetOrder")]
    [InlineData("/public/v1/commerce/orders", "post", Created, "", "CreateOrder")]
    [InlineData("/public/v1/commerce/orders/{id}", "put", One, "", "UpdateOrder")]
    [InlineData("/public/v1/commerce/orders/{id}", "delete", NoContent, "", "DeleteOrder")]
    [InlineData("/public/v1/commerce/orders/{id}/validate", "post", One, "", "ValidateOrder")]
    [InlineData("/public/v1/commerce/orders/{id}/complete", "post", NoContent, "", "CompleteOrder")]
    [InlineData("/public/v1/commerce/orders/{id}/process", "post", NoContent, "", "ProcessOrder")]
    [InlineData("/public/v1/commerce/orders/{orderId}/subscriptions", "get", Page, "", "ListOrderSubscriptions")]
    [InlineData("/public/v1/commerce/orders/{orderId}/subscriptions/{subscriptionId}", "get", One, "", "GetOrderSubscription")]
    [InlineData("/public/v1/commerce/orders/{id}/lines", "post", NoContent, "", "CreateOrderLine")]
    [InlineData("/public/v1/integration/extensions/{extensionId}/instances", "get", Page, "", "ListExtensionInstances")]
    [InlineData("/public/v1/integration/extensions/{extensionId}/instances/{id}/disconnect", "post", NoContent, "", "DisconnectExtensionInstance")]
    [InlineData("/public/v1/catalog/products/{id}/icon", "get", Binary, "", "DownloadProductIcon")]
    [InlineData("/public/v1/catalog/products/{id}/icon", "put", NoContent, Multipart, "UpdateProductIcon")]
    [InlineData("/public/v1/catalog/products/{id}/media", "post", Created, Multipart, "CreateProductMedia")]
    [InlineData("/public/v1/catalog/products/{productId}/media/{mediaId}", "get", Octets, "", "DownloadProductMedia")]
    [InlineData("/public/v1/helpdesk/cases/{id}/attachments/{attachmentId}", "delete", NoContent, "", "DeleteCaseAttachment")]
    [InlineData("/public/v1/commerce/orders/{id}/template", "get", Text, "", "GetOrderTemplate")]
    [InlineData("/public/v1/catalog/price-lists/{priceListId}/items", "get", Page, "", "ListPriceListItems")]
    [InlineData("/public/v1/catalog/categories/{id}", "get", One, "", "GetCategory")]
    [InlineData("/public/v1/billing/batches/{id}", "get", One, "", "GetBatch")]
    [InlineData("/public/v1/accounts/accounts/{id}/enable", "post", One, "", "EnableAccount")]
    public void An_operation_without_an_operation_id_is_named_by_rule(string path, string method, string responses, string body, string expected)
    {
        var spec = Spec($"\"{path}\":{{\"{method}\":{{\"responses\":{responses}{body}}}}}");

        SpecRules.Apply(spec);

        // The one path (rule 2 may have renamed its {id}).
        Assert.Equal(expected, (string?)((JObject)spec["paths"]!).Properties().Single().Value[method]!["operationId"]);
    }

    [Fact]
    public void A_name_the_spec_or_the_overlay_gives_wins_over_the_rule()
    {
        var spec = Spec(ListOperation("/public/v1/integration/extensions/{extensionId}/installations", "ListInstallations"));

        SpecRules.Apply(spec);

        Assert.Equal("ListInstallations", (string?)spec.SelectToken("$.paths['/public/v1/integration/extensions/{extensionId}/installations'].get.operationId"));
    }

    [Fact]
    public void The_same_resources_in_two_modules_are_told_apart_by_their_modules()
    {
        var spec = Spec(ListOperation("/public/v1/catalog/products", null) + "," + ListOperation("/public/v1/public-catalog/products", null) + "," +
                        ListOperation("/public/v1/catalog/items", null));

        SpecRules.Apply(spec);

        Assert.Equal("ListCatalogProducts", (string?)spec.SelectToken("$.paths['/public/v1/catalog/products'].get.operationId"));
        Assert.Equal("ListPublicCatalogProducts", (string?)spec.SelectToken("$.paths['/public/v1/public-catalog/products'].get.operationId"));
        Assert.Equal("ListItems", (string?)spec.SelectToken("$.paths['/public/v1/catalog/items'].get.operationId"));
    }

    [Fact]
    public void A_rule_name_that_a_given_name_has_taken_takes_its_module()
    {
        var spec = Spec(ListOperation("/public/v1/commerce/orders", "ListThings") + "," + ListOperation("/public/v1/commerce/things", null));

        SpecRules.Apply(spec);

        Assert.Equal("ListCommerceThings", (string?)spec.SelectToken("$.paths['/public/v1/commerce/things'].get.operationId"));
    }

    [Fact]
    public void Names_that_still_collide_fail_with_one_error_at_each_operation_naming_the_other()
    {
        var spec = Spec(ListOperation("/public/v1/commerce/orders/{orderId}/lines", null) + "," + ListOperation("/public/v1/commerce/order/{orderId}/lines", null));

        var error = Assert.Throws<SpecMergeException>(() => SpecRules.Apply(spec));

        Assert.Equal(2, error.Problems.Count);
        Assert.All(error.Problems, p => Assert.Equal(SpecProblem.NameCollision, p.Code));
        Assert.Contains("GET /public/v1/commerce/orders/{orderId}/lines would be named by rule 'ListCommerceOrderLines', as is GET /public/v1/commerce/order/{orderId}/lines",
            error.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("GET /public/v1/commerce/order/{orderId}/lines would be named by rule 'ListCommerceOrderLines', as is GET /public/v1/commerce/orders/{orderId}/lines",
            error.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("\"target\": \"$.paths['/public/v1/commerce/order/{orderId}/lines'].get\"", error.Problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_given_names_that_are_the_same_fail_at_the_fragment_file_and_line_of_each_operation()
    {
        var orders = SpecFragment.Parse("orders.json", "{\"openapi\":\"3.0.1\",\n\"paths\":{\n" + ListOperation("/public/v1/commerce/orders", "ListThings") +
            "},\"components\":{\"schemas\":{\"ListMetadata\":{\"type\":\"object\"},\"Thing\":{\"type\":\"object\"},\"ThingList\":" + Envelope + "}}}");
        var things = SpecFragment.Parse("things.json", "{\"openapi\":\"3.0.1\",\"paths\":{\n\n\n" + ListOperation("/public/v1/commerce/things", "ListThings") + "}}");

        var error = Assert.Throws<SpecMergeException>(() => SpecBuilder.Build(new[] { orders, things }, null));

        Assert.Equal(new[] { ("orders.json", 3), ("things.json", 4) }, error.Problems.Select(p => (p.File!, p.Line)));
        Assert.Contains("GET /public/v1/commerce/things is named 'ListThings', as is GET /public/v1/commerce/orders", error.Problems[1].Message, StringComparison.Ordinal);
        var canonical = error.Problems[1].ToCanonical(name => "/repo/openapi/" + name, "/repo/openapi");
        Assert.Matches(@"^/repo/openapi/things\.json\(4,\d+\): error MPSPEC002: GET /public/v1/commerce/things is named 'ListThings'", canonical);
    }

    [Fact]
    public void A_problem_about_no_one_file_is_shown_at_the_spec_folder_without_a_place()
    {
        Assert.Equal("/repo/openapi: error MPSPEC001: No OpenAPI fragment was given.",
            new SpecProblem(SpecProblem.Merge, "No OpenAPI fragment was given.").ToCanonical(name => name, "/repo/openapi"));
    }

    // Issue 35, item 4: "type" and "@type" on one schema were both Type (CS0102 in the generated class).
    [Fact]
    public void Properties_that_would_share_a_csharp_name_are_told_apart_by_their_punctuation()
    {
        var spec = Spec(ListOperation("/public/v1/commerce/things", "ListThings"),
            "\"Linked\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},\"@type\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},\"_id\":{\"type\":\"string\"},\"@context\":{\"type\":\"string\"}}}");

        SpecRules.Apply(spec);

        var properties = (JObject)spec.SelectToken("$.components.schemas.Linked.properties")!;
        Assert.Equal("AtType", (string?)properties["@type"]!["x-ms-client-name"]);
        Assert.Equal("UnderscoreId", (string?)properties["_id"]!["x-ms-client-name"]);
        Assert.Null(properties["type"]!["x-ms-client-name"]);
        Assert.Null(properties["id"]!["x-ms-client-name"]);
        Assert.Null(properties["@context"]!["x-ms-client-name"]); // nothing to be told apart from
    }

    [Fact]
    public void Properties_that_differ_only_in_case_fail_the_merge_naming_both()
    {
        var spec = Spec(ListOperation("/public/v1/commerce/things", "ListThings"),
            "\"Cased\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"Id\":{\"type\":\"string\"}}}");

        var error = Assert.Throws<SpecMergeException>(() => SpecRules.Apply(spec));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(SpecProblem.PropertyCollision, problem.Code);
        Assert.Contains("'id', 'Id'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("components.schemas.Cased.properties", problem.Message, StringComparison.Ordinal);
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
