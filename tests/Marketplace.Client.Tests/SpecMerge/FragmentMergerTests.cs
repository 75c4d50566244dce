using System;
using System.Linq;
using Marketplace.Client.SpecMerge;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.SpecMerge;

public class FragmentMergerTests
{
    private const string Header = "\"openapi\":\"3.0.1\",\"info\":{\"title\":\"Marketplace API\",\"version\":\"1\"}";

    private static SpecFragment Fragment(string name, string body) => SpecFragment.Parse(name, "{" + Header + "," + body + "}");

    private static SpecFragment WithPath(string name, string path, string schemaName, string schema) => Fragment(name,
        $"\"paths\":{{\"{path}\":{{\"get\":{{\"operationId\":\"Get{path.Trim('/')}\",\"responses\":{{\"200\":{{\"description\":\"OK\"}}}}}}}}}}," +
        $"\"components\":{{\"schemas\":{{\"{schemaName}\":{schema}}}}}");

    [Fact]
    public void Identical_components_are_kept_once()
    {
        var a = WithPath("a.json", "/a", "ExtensionRef", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}");
        var b = WithPath("b.json", "/b", "ExtensionRef", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}");

        var merged = FragmentMerger.Merge(new[] { a, b });

        Assert.Equal(new[] { "ExtensionRef" }, ((JObject)merged["components"]!["schemas"]!).Properties().Select(p => p.Name));
        Assert.Equal(new[] { "/a", "/b" }, ((JObject)merged["paths"]!).Properties().Select(p => p.Name));
    }

    [Fact]
    public void A_component_defined_differently_fails_naming_the_component_and_both_files()
    {
        var a = WithPath("list-extension-instances.json", "/a", "ExtensionRef", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}");
        var b = WithPath("list-installations.json", "/b", "ExtensionRef", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}");

        var error = Assert.Throws<SpecMergeException>(() => FragmentMerger.Merge(new[] { b, a }));

        Assert.Contains("'schemas/ExtensionRef'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'list-extension-instances.json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'list-installations.json'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_operation_in_two_fragments_fails_naming_the_operation_and_both_files()
    {
        var a = WithPath("a.json", "/things", "A", "{\"type\":\"object\"}");
        var b = WithPath("b.json", "/things", "B", "{\"type\":\"object\"}");

        var error = Assert.Throws<SpecMergeException>(() => FragmentMerger.Merge(new[] { a, b }));

        Assert.Equal("Operation 'GET /things' is defined in both 'a.json' and 'b.json'.", error.Message);
    }

    [Fact]
    public void Different_operations_on_one_path_are_merged_in_a_fixed_method_order()
    {
        var post = Fragment("a.json", "\"paths\":{\"/things\":{\"post\":{\"responses\":{}}}}");
        var get = Fragment("b.json", "\"paths\":{\"/things\":{\"get\":{\"responses\":{}}}}");

        var merged = FragmentMerger.Merge(new[] { post, get });

        Assert.Equal(new[] { "get", "post" }, ((JObject)merged["paths"]!["/things"]!).Properties().Select(p => p.Name));
    }

    [Fact]
    public void Fragments_that_disagree_on_info_fail()
    {
        var a = SpecFragment.Parse("a.json", "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"T\",\"version\":\"1\"},\"paths\":{}}");
        var b = SpecFragment.Parse("b.json", "{\"openapi\":\"3.0.1\",\"info\":{\"title\":\"T\",\"version\":\"2\"},\"paths\":{}}");

        var error = Assert.Throws<SpecMergeException>(() => FragmentMerger.Merge(new[] { a, b }));

        Assert.Equal("'info' differs between 'a.json' and 'b.json': fragments of one API must share it.", error.Message);
    }

    [Fact]
    public void The_output_is_the_same_bytes_whatever_the_order_of_the_fragments()
    {
        // Same component, properties in another order: equal as JSON, so kept once, always from the first file by name.
        var a = WithPath("a.json", "/z", "Shared", "{\"type\":\"object\",\"properties\":{\"x\":{},\"y\":{}}}");
        var b = WithPath("b.json", "/m", "Shared", "{\"properties\":{\"y\":{},\"x\":{}},\"type\":\"object\"}");
        var c = WithPath("c.json", "/a", "Other", "{\"type\":\"string\"}");

        var outputs = new[] { new[] { a, b, c }, new[] { c, b, a }, new[] { b, c, a } }
            .Select(order => SpecBuilder.Build(order, overlay: null))
            .ToList();

        Assert.All(outputs, o => Assert.Equal(outputs[0], o));
        Assert.Contains("\"Shared\": {\n        \"type\": \"object\"", outputs[0], StringComparison.Ordinal);
        Assert.EndsWith("}\n", outputs[0], StringComparison.Ordinal);
        Assert.DoesNotContain("\r", outputs[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_that_is_not_json_fails_naming_the_file()
    {
        var error = Assert.Throws<SpecMergeException>(() => SpecFragment.Parse("broken.json", "{\"openapi\":"));

        Assert.StartsWith("'broken.json' is not a JSON object", error.Message, StringComparison.Ordinal);
    }
}
