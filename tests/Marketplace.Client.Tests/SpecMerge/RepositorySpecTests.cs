using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Marketplace.Client.SpecMerge;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.SpecMerge;

/// <summary>The repository's own fragments and overlay, merged exactly as the build merges them.</summary>
public class RepositorySpecTests
{
    private static readonly string SpecDirectory = Path.Combine(AppContext.BaseDirectory, "openapi");

    private static JObject MergedSpec()
    {
        var fragments = Directory.GetFiles(SpecDirectory, "*.json")
            .Where(f => Path.GetFileName(f) != "overlay.json")
            .Select(f => SpecFragment.Parse(Path.GetFileName(f), File.ReadAllText(f)));
        var overlay = JObject.Parse(File.ReadAllText(Path.Combine(SpecDirectory, "overlay.json")));
        return JObject.Parse(SpecBuilder.Build(fragments, ("overlay.json", overlay)));
    }

    [Fact]
    public void Both_list_operations_are_named_and_take_limit_and_offset()
    {
        var spec = MergedSpec();
        var operations = spec["paths"]!.Children<JProperty>().Select(p => p.Value["get"]!).ToList();

        Assert.Equal(new[] { "ListExtensionInstances", "ListInstallations" }, operations.Select(o => (string?)o["operationId"]).OrderBy(x => x));
        Assert.All(operations, o => Assert.Equal(
            new[] { "#/components/parameters/Limit", "#/components/parameters/Offset" },
            o["parameters"]!.Select(p => (string?)p["$ref"]).Where(r => r is not null)));
        Assert.Equal(100, (int)spec.SelectToken("$.components.parameters.Limit.schema.maximum")!);
    }

    [Fact]
    public void List_installations_returns_the_list_envelope()
    {
        var spec = MergedSpec();

        var schema = spec.SelectToken("$.paths['/public/v1/integration/extensions/{extensionId}/installations'].get.responses['200'].content['application/json'].schema['$ref']");
        Assert.Equal("#/components/schemas/InstallationListResponse", (string?)schema);
        Assert.Equal("#/components/schemas/Installation",
            (string?)spec.SelectToken("$.components.schemas.InstallationListResponse.properties.data.items['$ref']"));
    }

    [Fact]
    public void No_property_is_an_object_type_wrapped_around_a_single_reference()
    {
        var offenders = MergedSpec().SelectTokens("$.components.schemas.*.properties.*")
            .OfType<JObject>()
            .Where(p => (string?)p["type"] == "object" && p["allOf"] is not null)
            .Select(p => p.Path)
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_tests_merge_exactly_what_the_build_merged()
    {
        var built = typeof(RepositorySpecTests).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BuiltMergedSpec").Value!;

        Assert.True(File.Exists(built), $"The build wrote no merged spec at {built}.");
        Assert.Equal(File.ReadAllText(built), Marketplace.Client.Tests.Contract.ContractSpec.MergedJson());
    }
}
