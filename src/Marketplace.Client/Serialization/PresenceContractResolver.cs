using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Marketplace.Client.Serialization;

/// <summary>
/// Writes a generated model's properties exactly as they were read: a property that was set is written even when
/// it is <c>null</c>; one that was never set is left out. NSwag marks every optional property
/// <c>NullValueHandling.Ignore</c>, which would drop the nulls the server sent (e.g. <c>"updated": null</c> in an audit).
/// Deserialization is untouched; this only decides what serialization writes.
/// </summary>
internal sealed class PresenceContractResolver : DefaultContractResolver
{
    // The client's own, shared for its contract cache; callers of MarketplaceJson.CreateSettings get a new one.
    public static readonly PresenceContractResolver Instance = new();

    protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
    {
        var property = base.CreateProperty(member, memberSerialization);
        if (typeof(IPresenceTracked).IsAssignableFrom(property.DeclaringType) && property.PropertyName is { } name)
        {
            var getValue = property.ValueProvider!;
            property.NullValueHandling = NullValueHandling.Include;
            property.ShouldSerialize = model => ((IPresenceTracked)model).WasSet(name) || getValue.GetValue(model) is not null;
        }
        return property;
    }
}
