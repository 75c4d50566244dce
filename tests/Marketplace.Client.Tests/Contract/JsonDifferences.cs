using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// Where two JSON documents differ, ignoring whitespace and key order. Two strings that are both ISO 8601
/// timestamps are equal when they name the same instant: the client keeps timestamps as DateTimeOffset and
/// writes <c>+00:00</c> where the server wrote <c>Z</c>.
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
                if (!JToken.DeepEquals(e, a) && !SameInstant(e, a)) differences.Add($"{path}: {Show(e)} became {Show(a)}");
                break;
            default:
                differences.Add($"{path}: {expected.Type} became {actual.Type}");
                break;
        }
    }

    private static bool SameInstant(JValue expected, JValue actual) =>
        expected.Value is string e && actual.Value is string a &&
        e.Contains('T', StringComparison.Ordinal) &&
        DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var x) &&
        DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var y) &&
        x == y;

    private static string Show(JToken token) => token.ToString(Newtonsoft.Json.Formatting.None);
}
