using Newtonsoft.Json;

namespace Marketplace.Client.Serialization;

/// <summary>
/// The JSON settings the client reads responses with, for writing models back out (to store or forward them)
/// exactly as the server sent them: unknown properties and values kept, explicit <c>null</c>s kept, absent
/// properties left out.
/// </summary>
public static class MarketplaceJson
{
    /// <summary>Creates settings equal to the client's own (a new instance: change it freely).</summary>
    public static JsonSerializerSettings CreateSettings()
    {
        var settings = new JsonSerializerSettings();
        Configure(settings);
        return settings;
    }

    /// <summary>Writes <paramref name="value"/> (a model, a page) as the server would have.</summary>
    /// <param name="value">The object to write.</param>
    /// <param name="formatting">Indented or not.</param>
    public static string Serialize(object? value, Formatting formatting = Formatting.None) =>
        JsonConvert.SerializeObject(value, formatting, CreateSettings());

    /// <summary>Reads <paramref name="json"/> as the client reads responses.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="json">The JSON text.</param>
    public static T? Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, CreateSettings());

    internal static void Configure(JsonSerializerSettings settings)
    {
        settings.ContractResolver = PresenceContractResolver.Instance;
        // Typed timestamps still become DateTimeOffset; in free-form JSON (configuration, channel identity) a string
        // that looks like a date stays the string the server sent.
        settings.DateParseHandling = DateParseHandling.None;
        settings.MaxDepth = 64;
    }
}
