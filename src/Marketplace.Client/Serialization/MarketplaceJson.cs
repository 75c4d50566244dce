using Newtonsoft.Json;

namespace Marketplace.Client.Serialization;

/// <summary>
/// The JSON settings the client reads responses with, for writing models back out (to store or forward them)
/// as the server sent them: unknown properties and values kept, explicit <c>null</c>s kept, absent properties left
/// out. Free-form and unknown JSON (<c>configuration</c>, <c>identity</c>, properties this version does not know) keeps
/// every string exactly as sent, date-looking ones included. Typed timestamps (<see cref="System.DateTimeOffset"/>
/// properties) keep their instant and offset; their spelling may differ (<c>+00:00</c> for <c>Z</c>).
/// </summary>
public static class MarketplaceJson
{
    /// <summary>
    /// Creates settings equal to the client's own, yours to change: the settings and their contract resolver are new
    /// instances, so nothing you change reaches how the client reads responses.
    /// </summary>
    public static JsonSerializerSettings CreateSettings()
    {
        var settings = new JsonSerializerSettings();
        Configure(settings);
        settings.ContractResolver = new PresenceContractResolver();
        return settings;
    }

    /// <summary>Writes <paramref name="value"/> (a model, a page) as the server would have.</summary>
    /// <param name="value">The object to write.</param>
    /// <param name="formatting">Indented or not.</param>
    public static string Serialize(object? value, Formatting formatting = Formatting.None) =>
        JsonConvert.SerializeObject(value, formatting, Shared.Value);

    /// <summary>Reads <paramref name="json"/> as the client reads responses.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="json">The JSON text.</param>
    public static T? Deserialize<T>(string json) => MarketplaceJsonReader.Deserialize<T>(JsonSerializer.Create(Shared.Value), json);

    // The client's own settings (with the shared, cached contract resolver), never handed out.
    private static readonly System.Lazy<JsonSerializerSettings> Shared = new(() =>
    {
        var settings = new JsonSerializerSettings();
        Configure(settings);
        return settings;
    });

    internal static void Configure(JsonSerializerSettings settings)
    {
        settings.ContractResolver = PresenceContractResolver.Instance;
        // None: a date-looking string in free-form JSON (an installation's configuration, an identity, an unknown
        // property) is the account's data, not a timestamp to normalise; any other setting would rewrite it
        // ("2025-03-14T09:26:53Z" read back as "2025-03-14T09:26:53+00:00"). Typed DateTimeOffset properties are parsed
        // all the same: Newtonsoft reads them with ReadAsDateTimeOffset whatever this setting says.
        settings.DateParseHandling = DateParseHandling.None;
        settings.MaxDepth = 64;
    }
}
