using System;
using System.Linq;
using System.Reflection;
using Marketplace.Client.Query;
using Newtonsoft.Json;
using Xunit;

namespace Marketplace.Client.Tests.Query;

/// <summary>The generated field paths: what they render, that they go wherever a field name goes, and that every model has them.</summary>
public class FieldPathTests
{
    [Fact]
    public void Paths_follow_the_models()
    {
        Assert.Equal("status", InstanceFields.Status);
        Assert.Equal("audit.created.at", InstanceFields.Audit.Created.At);
        Assert.Equal("audit.created.by.name", InstanceFields.Audit.Created.By.Name);
        Assert.Equal("account.name", InstallationFields.Account.Name);
        Assert.Equal("modules.settings.eligibility", InstallationFields.Modules.Settings.Eligibility);
        Assert.Equal("group.buyers", FiltersFields.GroupBuyers);
        Assert.Equal("meta", InstanceFields.Meta);
        Assert.Equal("audit", InstanceFields.Audit.ToString());
    }

    [Fact]
    public void A_field_path_goes_wherever_a_field_name_goes()
    {
        var query = RqlQuery.Where(Rql.And(
                Rql.Eq(InstanceFields.Status, "Running"),
                Rql.Ge(InstanceFields.Audit.Created.At, new DateTimeOffset(2025, 3, 14, 0, 0, 0, TimeSpan.Zero)),
                Rql.Any(InstallationFields.Modules, Rql.Eq(ModuleRefFields.Id, "MOD-2222-2222"))))
            .OrderByDescending(InstanceFields.Audit.Created.At)
            .Select("+" + InstanceFields.Audit, InstanceFields.Name);

        Assert.Equal(
            "and(eq(status,%22Running%22),ge(audit.created.at,2025-03-14T00:00:00.000Z),any(modules,eq(id,%22MOD-2222-2222%22)))&order=-audit.created.at&select=%2Baudit,name",
            query.ToQueryString());
        // Each access builds a new path object; they are equal by path.
        Assert.Equal(InstanceFields.Audit.Created.At, InstanceFields.Audit.Created.At);
        Assert.NotSame(InstanceFields.Audit.Created, InstanceFields.Audit.Created);
    }

    [Fact]
    public void Every_json_property_of_every_model_has_a_field()
    {
        var assembly = typeof(Instance).Assembly;
        var models = assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Marketplace.Client" && t.IsClass && !t.IsAbstract
                        && t.GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>()?.Tool == "NJsonSchema"
                        && t.GetProperty("Data") is null)
            .ToList();
        Assert.Contains(typeof(Instance), models);

        foreach (var model in models)
        {
            var fields = assembly.GetType($"Marketplace.Client.{model.Name}Fields");
            Assert.True(fields is not null, $"{model.Name} has no {model.Name}Fields");
            foreach (var property in model.GetProperties())
            {
                var json = property.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName;
                if (json is null || json.StartsWith('$')) continue;
                var field = fields!.GetProperty(property.Name, BindingFlags.Public | BindingFlags.Static);
                Assert.True(field is not null, $"{model.Name}Fields has no {property.Name}");
                Assert.Equal(json, field!.GetValue(null)!.ToString());
            }
        }
    }
}
