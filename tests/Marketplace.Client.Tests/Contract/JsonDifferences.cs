using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// Where two JSON documents differ, ignoring whitespace and key order. Every string must come back with the same
/// text, with one exception: a property that the models type as a timestamp (DateTimeOffset; found by reflection, not
/// listed here) may name the same instant and offset in another spelling (<c>+00:00</c> for <c>Z</c>).
/// Free-form JSON (<c>configuration</c>, <c>identity</c>, unknown properties) gets no such allowance.
/// </summary>
public static class JsonDifferences
{
    public static IReadOnlyList<string> Between(JToken expected, JToken actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", differences);
        return differences;
    }

    private static void Compare(JToken expected, JToken actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JObject e when actual is JObject a:
                foreach (var property in e.Properties())
                {
                    if (a.TryGetValue(property.Name, out var value)) Compare(property.Value, value, path + "." + property.Name, differences);
                    else differences.Add($"{path}.{property.Name}: missing (was {Show(property.Value)})");
                }
                foreach (var extra in a.Properties().Where(p => !e.ContainsKey(p.Name)))
                    differences.Add($"{path}.{extra.Name}: added ({Show(extra.Value)})");
                break;
            case JArray e when actual is JArray a:
                if (e.Count != a.Count) differences.Add($"{path}: {e.Count} items became {a.Count}");
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++) Compare(e[i], a[i], $"{path}[{i}]", differences);
                break;
            case JValue e when actual is JValue a:
                if (!JToken.DeepEquals(e, a) && !(IsTypedTimestamp(path) && SameInstant(e, a))) differences.Add($"{path}: {Show(e)} became {Show(a)}");
                break;
            default:
                differences.Add($"{path}: {expected.Type} became {actual.Type}");
                break;
        }
    }

    // The JSON names of the models' DateTimeOffset properties (accepted, at, expiresAt today).
    private static readonly HashSet<string> TimestampProperties = typeof(Instance).Assembly.GetExportedTypes()
        .SelectMany(t => t.GetProperties())
        .Where(p => p.PropertyType == typeof(DateTimeOffset) || p.PropertyType == typeof(DateTimeOffset?))
        .Select(p => p.GetCustomAttributes(typeof(Newtonsoft.Json.JsonPropertyAttribute), false).OfType<Newtonsoft.Json.JsonPropertyAttribute>().FirstOrDefault()?.PropertyName)
        .Where(n => n is not null)
        .Select(n => n!)
        .ToHashSet(StringComparer.Ordinal);

    private static bool IsTypedTimestamp(string path) => TimestampProperties.Contains(path.Substring(path.LastIndexOf('.') + 1));

    private static bool SameInstant(JValue expected, JValue actual) =>
        expected.Value is string e && actual.Value is string a &&
        e.Contains('T', StringComparison.Ordinal) &&
        DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var x) &&
        DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var y) &&
        x == y;

    private static string Show(JToken token) => token.ToString(Newtonsoft.Json.Formatting.None);
}
