using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Marketplace.Client.Serialization;

/// <summary>
/// Writes a generated model's properties exactly as they were read or set: a property that was set is written even
/// when it is <c>null</c>; one that was never set is left out, whatever it holds. NSwag marks every optional property
/// <c>NullValueHandling.Ignore</c>, which would drop the nulls the server sent (e.g. <c>"updated": null</c> in an audit),
/// and with <c>generateDefaultValues</c> it puts a schema's default (and an empty list) in the field's initializer: a value
/// nobody set, which written on a PUT would reset what the server holds.
/// Deserialization always sets a property through its setter (<see cref="ObjectCreationHandling.Replace"/>: a list the
/// model was initialized with is replaced, not filled in place), so whatever was read counts as set.
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
            property.NullValueHandling = NullValueHandling.Include;
            property.ObjectCreationHandling = ObjectCreationHandling.Replace;
            property.ShouldSerialize = model => ((IPresenceTracked)model).WasSet(name);
        }
        return property;
    }
}
