using System;
using System.Linq;
using System.Reflection;
using Newtonsoft.Json;
using Xunit;

namespace Marketplace.Client.Tests.Generation;

/// <summary>What the overlay and the template must have made of the generator's known pitfalls.</summary>
public class GeneratedModelTests
{
    private static readonly Assembly Library = typeof(MarketplaceClient).Assembly;

    [Theory]
    [InlineData("Extension")]
    [InlineData("Extension2")]
    [InlineData("By")]
    [InlineData("Meta")]
    [InlineData("Account")]
    public void No_subclass_is_invented_for_an_object_wrapped_reference(string accident)
    {
        Assert.Null(Library.GetType("Marketplace.Client." + accident));
    }

    [Theory]
    [InlineData(typeof(Instance), "extension", typeof(ExtensionRef))]
    [InlineData(typeof(Instance), "meta", typeof(ExtensionMetaRef))]
    [InlineData(typeof(Installation), "account", typeof(AccountRef))]
    [InlineData(typeof(Installation), "extension", typeof(ExtensionRef))]
    [InlineData(typeof(PlatformObjectEvent), "by", typeof(PlatformIdentityRef))]
    public void Wrapped_references_are_the_referenced_type(Type owner, string jsonName, Type expected)
    {
        Assert.Equal(expected, PropertyFor(owner, jsonName).PropertyType);
    }

    [Theory]
    [InlineData(typeof(Instance), "$meta", "Metadata", typeof(PlatformMetadata))]
    [InlineData(typeof(Instance), "meta", "Meta", typeof(ExtensionMetaRef))]
    [InlineData(typeof(Installation), "$meta", "Metadata", typeof(PlatformMetadata))]
    [InlineData(typeof(InstanceListResponse), "$meta", "Metadata", typeof(ListMetadata))]
    [InlineData(typeof(InstallationListResponse), "$meta", "Metadata", typeof(ListMetadata))]
    [InlineData(typeof(Filters), "group.buyers", "GroupBuyers", typeof(System.Collections.Generic.IReadOnlyList<string>))]
    public void Renamed_properties_keep_their_wire_name(Type owner, string jsonName, string csharpName, Type type)
    {
        var property = PropertyFor(owner, jsonName);

        Assert.Equal(csharpName, property.Name);
        Assert.Equal(type, property.PropertyType);
    }

    [Fact]
    public void Digit_led_validity_values_have_readable_names()
    {
        Assert.Equal(
            new[] { ("SevenDays", "7d"), ("FourteenDays", "14d"), ("OneMonth", "1m"), ("ThreeMonths", "3m"), ("SixMonths", "6m"), ("OneYear", "1y") },
            InvitationEntityValidity.KnownValues.Select(v => (v.Kind.ToString(), v.ToString())));
    }

    [Fact]
    public void Every_operation_takes_a_cancellation_token()
    {
        var operations = typeof(IMarketplaceClient).GetMethods();

        Assert.NotEmpty(operations);
        Assert.All(operations, m => Assert.Equal(typeof(System.Threading.CancellationToken), m.GetParameters().Last().ParameterType));
    }

    // Issue 35, item 5: the generated file disabled CS1591, so 90 of 99 model properties had no documentation. Every
    // public type and member of the library is in its XML documentation now, with a summary that is not empty.
    [Fact]
    public void Every_public_type_and_member_has_a_summary()
    {
        var xml = System.Xml.Linq.XDocument.Load(System.IO.Path.ChangeExtension(Library.Location, ".xml"));
        var documented = xml.Descendants("member")
            .Where(m => m.Element("summary") is { } summary && summary.Value.Trim().Length > 0 || m.Element("inheritdoc") is not null)
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);
        var missing = new System.Collections.Generic.List<string>();
        foreach (var type in Library.GetExportedTypes())
        {
            var typeId = "T:" + type.FullName!.Replace('+', '.');
            if (!documented.Contains(typeId)) missing.Add(typeId);
            const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var property in type.GetProperties(Declared).Where(p => !p.GetIndexParameters().Any()))
            {
                var id = "P:" + type.FullName!.Replace('+', '.') + "." + property.Name;
                if (!documented.Contains(id)) missing.Add(id);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} public types and properties without a summary: {string.Join(", ", missing.Take(20))}");
    }

    private static PropertyInfo PropertyFor(Type owner, string jsonName) =>
        owner.GetProperties().Single(p => p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName == jsonName);
}
