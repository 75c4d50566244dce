using System;
using Newtonsoft.Json;

namespace Marketplace.Client.Serialization;

/// <summary>
/// Reads and writes an extensible enum (see build/Templates/Enum.liquid) as its wire string. Any string is
/// accepted and kept, so a status the server adds tomorrow does not break today's client; a JSON value
/// that is not a string is a malformed response and fails like one.
/// </summary>
/// <typeparam name="T">The extensible enum struct.</typeparam>
internal abstract class ExtensibleEnumConverter<T> : JsonConverter
    where T : struct
{
    /// <summary>Creates the value for a wire string.</summary>
    protected abstract T Create(string value);

    public override bool CanConvert(Type objectType) => objectType == typeof(T) || objectType == typeof(T?);

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        switch (reader.TokenType)
        {
            case JsonToken.String:
                return Create((string)reader.Value!);
            case JsonToken.Null when objectType != typeof(T):
                return null;
            default:
                throw new JsonSerializationException(
                    $"Expected a string for {typeof(T).Name} at '{reader.Path}', found {reader.TokenType}.");
        }
    }

    // default(T) holds no wire value (its ToString is ""): written as null, the value it stands for, not as an empty
    // string the server would take for a status.
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null || value.Equals(default(T))) writer.WriteNull();
        else writer.WriteValue(value.ToString());
    }
}
