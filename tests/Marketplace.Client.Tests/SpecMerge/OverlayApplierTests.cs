using System;
using System.Linq;
using Marketplace.Client.SpecMerge;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.SpecMerge;

public class OverlayApplierTests
{
    private static JObject Document() => JObject.Parse("""
        {
          "paths": { "/x": { "get": { "parameters": [ { "name": "id", "in": "path" } ] } } },
          "components": { "schemas": {
            "Instance": { "type": "object", "properties": {
              "extension": { "type": "object", "allOf": [ { "$ref": "#/components/schemas/ExtensionRef" } ] },
              "status": { "type": "string", "enum": [ "7d" ] } } } } }
        }
        """);

    private static JObject Overlay(string actions) =>
        JObject.Parse("{\"overlay\":\"1.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"actions\":[" + actions + "]}");

    [Fact]
    public void Update_merges_an_object_into_the_target()
    {
        var document = Document();

        OverlayApplier.Apply(document, Overlay("""
            { "target": "$.components.schemas.Instance.properties.status", "description": "names",
              "update": { "x-enumNames": [ "SevenDays" ], "description": "How long." } }
            """), "overlay.json");

        var status = document.SelectToken("$.components.schemas.Instance.properties.status")!;
        Assert.Equal("SevenDays", (string?)status["x-enumNames"]![0]);
        Assert.Equal("How long.", (string?)status["description"]);
        Assert.Equal("string", (string?)status["type"]);
    }

    [Fact]
    public void Update_on_an_array_appends_each_item()
    {
        var document = Document();

        OverlayApplier.Apply(document, Overlay("""
            { "target": "$.paths['/x'].get.parameters", "description": "paging",
              "update": [ { "name": "limit", "in": "query" }, { "name": "offset", "in": "query" } ] }
            """), "overlay.json");

        var names = document.SelectToken("$.paths['/x'].get.parameters")!.Select(p => (string?)p["name"]);
        Assert.Equal(new[] { "id", "limit", "offset" }, names);
    }

    [Fact]
    public void Remove_deletes_the_selected_node_from_its_parent()
    {
        var document = Document();

        OverlayApplier.Apply(document, Overlay("""
            { "target": "$.components.schemas.Instance.properties.extension.type", "description": "plain ref", "remove": true }
            """), "overlay.json");

        var extension = (JObject)document.SelectToken("$.components.schemas.Instance.properties.extension")!;
        Assert.Null(extension["type"]);
        Assert.NotNull(extension["allOf"]);
    }

    [Fact]
    public void Actions_apply_in_order()
    {
        var document = Document();

        OverlayApplier.Apply(document, Overlay("""
            { "target": "$.components.schemas", "description": "add", "update": { "Added": { "type": "object" } } },
            { "target": "$.components.schemas.Added", "description": "then change", "update": { "type": "string" } }
            """), "overlay.json");

        Assert.Equal("string", (string?)document.SelectToken("$.components.schemas.Added.type"));
    }

    [Fact]
    public void An_action_that_matches_nothing_fails_the_build()
    {
        var error = Assert.Throws<SpecMergeException>(() => OverlayApplier.Apply(Document(), Overlay("""
            { "target": "$.components.schemas.Gone.properties.x", "description": "stale fix", "remove": true }
            """), "overlay.json"));

        Assert.Contains("'overlay.json' action #1 (stale fix): its target \"$.components.schemas.Gone.properties.x\" matches nothing", error.Message, StringComparison.Ordinal);
        var problem = Assert.Single(error.Problems);
        Assert.Equal((SpecProblem.StaleOverlay, "overlay.json"), (problem.Code, problem.File));
        Assert.True(problem.Line > 0, "the error does not point at the action");
    }

    [Theory]
    [InlineData("""{ "target": "$.paths", "update": {} }""", "needs a 'description'")]
    [InlineData("""{ "target": "paths", "description": "d", "update": {} }""", "needs a 'target' JSONPath starting with '$'")]
    [InlineData("""{ "target": "$.paths", "description": "d" }""", "exactly one of 'update' or 'remove: true'")]
    [InlineData("""{ "target": "$.paths", "description": "d", "update": {}, "remove": true }""", "exactly one of 'update' or 'remove: true'")]
    [InlineData("""{ "target": "$.components.schemas.Instance.type", "description": "d", "update": {} }""", "needs an object or array target")]
    [InlineData("""{ "target": "$.paths[?(", "description": "d", "update": {} }""", "not valid JSONPath")]
    public void A_malformed_action_fails_with_a_reason(string action, string expected)
    {
        var error = Assert.Throws<SpecMergeException>(() => OverlayApplier.Apply(Document(), Overlay(action), "overlay.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_that_is_not_an_overlay_fails()
    {
        var error = Assert.Throws<SpecMergeException>(() => OverlayApplier.Apply(Document(), JObject.Parse("{\"actions\":[]}"), "overlay.json"));

        Assert.Contains("not an Overlay 1.0 document", error.Message, StringComparison.Ordinal);
    }
}
