using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Testing;

/// <summary>
/// One seeded collection: its items as the platform writes them (JSON, written once when seeded), served as pages of the
/// list envelope or as a stream of JSON lines, by the platform's rules (../shared/API-FACTS.md, "Collections", "Streaming"),
/// and changed by the writes the platform answers for every collection: create, replace given fields, delete.
/// </summary>
internal sealed class SeededCollection
{
    private readonly object _gate = new();
    private readonly List<Entry> _items = new();
    private readonly string _path;
    private long _created;

    /// <param name="path">The collection's path (decoded), e.g. <c>/public/v1/integration/extensions/EXT-1/instances</c>.</param>
    public SeededCollection(string path) => _path = path;

    public void Add(IEnumerable<string> json)
    {
        var entries = json.Select(j => new Entry(j, IdOf(j))).ToList();
        lock (_gate) _items.AddRange(entries);
    }

    private List<Entry> Snapshot()
    {
        lock (_gate) return _items.ToList();
    }

    /// <summary><c>{"$meta":{"pagination":{offset,limit,total}},"data":[…]}</c>: at most 100 items from <paramref name="offset"/>.</summary>
    public string Page(int offset, int limit)
    {
        var items = Snapshot();
        var served = Math.Min(limit, MarketplaceClientOptions.MaxPageSize);
        var page = new StringBuilder("{\"$meta\":{\"pagination\":{\"offset\":").Append(offset)
            .Append(",\"limit\":").Append(served).Append(",\"total\":").Append(items.Count).Append("}},\"data\":[");
        page.Append(string.Join(",", items.Skip(offset).Take(served).Select(e => e.Json)));
        return page.Append("]}").ToString();
    }

    /// <summary>The streamed records, one JSON object per line, and their count: from <paramref name="offset"/>, all of them when <paramref name="limit"/> is null.</summary>
    public (string Body, int Count) Stream(int offset, int? limit)
    {
        var records = Snapshot().Skip(offset).Take(limit ?? int.MaxValue).ToList();
        var body = new StringBuilder();
        foreach (var record in records) body.Append(record.Json).Append('\n');
        return (body.ToString(), records.Count);
    }

    /// <summary>The item whose <c>id</c> is <paramref name="id"/>, or <see langword="null"/>.</summary>
    public string? Get(string id)
    {
        lock (_gate) return _items.FirstOrDefault(e => e.Id == id)?.Json;
    }

    /// <summary>Adds <paramref name="body"/> with a new ID in the collection's ID shape (its items', or <c>XXX-####-####-####</c>); returns what is stored.</summary>
    public string Create(JObject body)
    {
        lock (_gate)
        {
            string id;
            do id = NewId();
            while (_items.Any(e => e.Id == id));
            var stored = new JObject { ["id"] = id };
            foreach (var property in body.Properties().Where(p => p.Name != "id")) stored[property.Name] = property.Value;
            var json = stored.ToString(Formatting.None);
            _items.Add(new Entry(json, id));
            return json;
        }
    }

    /// <summary>Replaces the given fields of the item <paramref name="id"/> (the ID stays); returns what is stored, or <see langword="null"/> for an unknown ID.</summary>
    public string? Update(string id, JObject body)
    {
        lock (_gate)
        {
            var at = _items.FindIndex(e => e.Id == id);
            if (at < 0) return null;
            var stored = JObject.Parse(_items[at].Json);
            foreach (var property in body.Properties().Where(p => p.Name != "id")) stored[property.Name] = property.Value;
            var json = stored.ToString(Formatting.None);
            _items[at] = new Entry(json, id);
            return json;
        }
    }

    /// <summary>Removes the item <paramref name="id"/>; <see langword="false"/> for an unknown ID.</summary>
    public bool Delete(string id)
    {
        lock (_gate) return _items.RemoveAll(e => e.Id == id) > 0;
    }

    // The shape of the IDs already there (INS-6587-4477-5207-8032: a prefix and groups of digits), else three letters of the
    // collection's name and three groups of four (EXT-6822-9898-4256). The digits count up from a start no seed uses.
    private string NewId()
    {
        var sample = _items.Select(e => e.Id).FirstOrDefault(IsPlatformShaped);
        var parts = sample?.Split('-');
        var prefix = parts?[0] ?? Prefix();
        var groups = parts?.Skip(1).Select(g => g.Length).ToArray() ?? new[] { 4, 4, 4 };
        var digits = (9000_0000_0000_0000L + ++_created).ToString(CultureInfo.InvariantCulture);
        digits = digits.Substring(Math.Max(0, digits.Length - groups.Sum())).PadLeft(groups.Sum(), '0');
        var id = new StringBuilder(prefix);
        var at = 0;
        foreach (var length in groups)
        {
            id.Append('-').Append(digits, at, length);
            at += length;
        }
        return id.ToString();
    }

    private string Prefix()
    {
        var name = _path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "item";
        var letters = new string(name.Where(char.IsLetter).Take(3).Select(char.ToUpperInvariant).ToArray());
        return letters.Length == 0 ? "OBJ" : letters;
    }

    private static bool IsPlatformShaped(string? id)
    {
        var parts = id?.Split('-');
        return parts is { Length: >= 2 } && parts[0].Length > 0 && parts[0].All(char.IsLetter)
               && parts.Skip(1).All(g => g.Length is > 0 and <= 8 && g.All(char.IsDigit));
    }

    private static string? IdOf(string json)
    {
        try
        {
            return JObject.Parse(json)["id"] is JValue { Type: JTokenType.String } id ? (string?)id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Entry(string Json, string? Id);
}
