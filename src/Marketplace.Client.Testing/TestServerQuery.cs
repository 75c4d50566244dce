using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.Testing;

/// <summary>
/// What a list request asks of a collection, read from its query string as the platform reads it: the RQL filter (every
/// part but <c>limit</c>, <c>offset</c>, <c>order</c> and <c>select</c>, percent-decoded, <c>+</c> as a space), the sort
/// keys of <c>order=-a,+b</c> and the fields of <c>select=+f,-f</c>. A <c>+</c> sent unencoded arrives as a space, which
/// the platform reads as <c>+</c> too; a key without a sign is ascending, a field without a sign is added.
/// </summary>
internal sealed class TestServerQuery
{
    private TestServerQuery(string? filter, IReadOnlyList<Key> order, IReadOnlyList<Key> select)
    {
        Filter = filter;
        Order = order;
        Select = select;
    }

    /// <summary>The decoded RQL filter, or <see langword="null"/>.</summary>
    public string? Filter { get; }

    /// <summary>The sort keys, first to last; <see cref="Key.Minus"/> is descending.</summary>
    public IReadOnlyList<Key> Order { get; }

    /// <summary>The selected fields; <see cref="Key.Minus"/> leaves one out, otherwise it is added.</summary>
    public IReadOnlyList<Key> Select { get; }

    /// <summary>Reads the query of a list request.</summary>
    /// <exception cref="TestServerQueryException">The query is not one the platform accepts.</exception>
    /// <param name="rawQuery">The query string as sent.</param>
    /// <param name="read">It read as the platform reads it (<see cref="MarketplaceTestRequest.ReadQuery"/>).</param>
    public static TestServerQuery Read(string? rawQuery, (string? Filter, Dictionary<string, string> Parameters) read)
    {
        var (filter, parameters) = read;
        foreach (var part in (rawQuery ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (MarketplaceTestRequest.Decode(part.Split('=')[0]).Trim() == "rql")
                throw new TestServerQueryException("RQL goes into the query string as it is (?eq(status,\"Running\")), not as a named parameter: rql= is not accepted");
        }
        return new TestServerQuery(
            filter is null || filter.Trim().Length == 0 ? null : filter,
            parameters.TryGetValue("order", out var order) ? Keys(order, "order") : Array.Empty<Key>(),
            parameters.TryGetValue("select", out var select) ? Keys(select, "select") : Array.Empty<Key>());
    }

    private static Key[] Keys(string text, string parameter)
    {
        var keys = new List<Key>();
        foreach (var part in text.Split(','))
        {
            // Spaces around a key are not part of it: "a, -b" is a then -b. A '+' sent unencoded arrived as a space and is
            // trimmed with them, which leaves the key ascending (added, for select), as '+' says.
            var item = part.Trim(' ');
            if (item.Trim().Length == 0) continue;
            var minus = item[0] == '-';
            var name = item[0] is '-' or '+' ? item.Substring(1) : item;
            keys.Add(new Key(TestServerRql.Path(name, $"in {parameter}={text}"), name, minus));
        }
        if (keys.Count == 0) throw new TestServerQueryException($"No valid {(parameter == "order" ? "ordering" : "selected")} properties were detected in {parameter}={text}");
        return keys.ToArray();
    }

    /// <summary>A field of <c>order</c> or <c>select</c>, with its sign.</summary>
    internal sealed record Key(string[] Path, string Text, bool Minus);
}
