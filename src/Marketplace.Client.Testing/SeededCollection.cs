using System;
using System.Collections.Concurrent;
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
    private Items? _snapshot; // under _gate; null after a write

    // The field paths the records have (through objects, not collections): an unquoted RQL value that names one is that
    // field, as the platform prefers a property of the resource over a constant.
    private readonly ConcurrentDictionary<string, byte> _paths = new(StringComparer.Ordinal);
    private readonly string _path;
    private long _created;

    /// <param name="path">The collection's path (decoded), e.g. <c>/public/v1/integration/extensions/EXT-1/instances</c>.</param>
    public SeededCollection(string path) => _path = path;

    /// <summary>
    /// Where, besides <c>&lt;path&gt;/{id}</c>, the spec reads, replaces or deletes one item: the method and the template's
    /// segments, the last one the item's ID (e.g. GET <c>public/v1/integration/instances/{id}</c>).
    /// </summary>
    public IReadOnlyList<(string Method, string[] Segments)> ItemRoutes { get; private set; } = Array.Empty<(string, string[])>();

    /// <summary>Takes the routes of <paramref name="routes"/> ("METHOD template", one a line), once.</summary>
    public void RouteItems(string routes)
    {
        if (routes.Length == 0 || ItemRoutes.Count > 0) return;
        ItemRoutes = routes.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[0], parts[1].Split('/', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
    }

    public void Add(IEnumerable<string> json)
    {
        var entries = json.Select(Entry.Of).ToList();
        foreach (var entry in entries) Learn(entry.Record, "");
        lock (_gate)
        {
            _items.AddRange(entries);
            _snapshot = null;
        }
    }

    // The items as they are now, with the columns filters and sorts have read from them: the same snapshot (and its
    // columns) serves every request until a write changes the collection.
    private Items Snapshot()
    {
        lock (_gate) return _snapshot ??= new Items(_items.ToList());
    }

    /// <summary>
    /// <c>{"$meta":{"pagination":{offset,limit,total},"omitted":[…]},"data":[…]}</c>: at most 100 of the items the query
    /// selects, in its order, from <paramref name="offset"/>; the total is of the selected items, <c>omitted</c> lists the
    /// fields left out (when any are).
    /// </summary>
    /// <exception cref="TestServerQueryException">The query is not one the platform evaluates.</exception>
    public string Page(int offset, int limit, TestServerQuery query, TestServerSettings settings)
    {
        var items = Answer(query, settings);
        var shape = Shape.Of(query, settings);
        var served = Math.Min(limit, MarketplaceClientOptions.MaxPageSize);
        var page = new StringBuilder("{\"$meta\":{\"pagination\":{\"offset\":").Append(offset)
            .Append(",\"limit\":").Append(served).Append(",\"total\":").Append(items.Count).Append('}');
        if (shape.Omitted.Count > 0) page.Append(",\"omitted\":").Append(new JArray(shape.Omitted).ToString(Formatting.None));
        page.Append("},\"data\":[");
        page.Append(string.Join(",", items.Skip(offset).Take(served).Select(shape.Render)));
        return page.Append("]}").ToString();
    }

    /// <summary>
    /// The streamed records, one JSON object per line, and their count: the items the query selects, in its order, from
    /// <paramref name="offset"/>, all of them when <paramref name="limit"/> is null.
    /// </summary>
    /// <exception cref="TestServerQueryException">The query is not one the platform evaluates.</exception>
    public (string Body, int Count) Stream(int offset, int? limit, TestServerQuery query, TestServerSettings settings)
    {
        var shape = Shape.Of(query, settings);
        var records = Answer(query, settings).Skip(offset).Take(limit ?? int.MaxValue).ToList();
        var body = new StringBuilder();
        foreach (var record in records) body.Append(shape.Render(record)).Append('\n');
        return (body.ToString(), records.Count);
    }

    // The items the query's filter selects, in the order of its sort keys (ties, and no keys, in the order seeded).
    internal List<Entry> Answer(TestServerQuery query, TestServerSettings settings)
    {
        var snapshot = Snapshot();
        var items = snapshot.Entries;
        List<int> selected;
        if (query.Filter is { } filter)
        {
            var custom = settings.FilterFor(_path);
            TestServerFilter? built = custom is null ? Build(filter) : null;
            selected = new List<int>();
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Record is { } record && (custom?.Invoke(record, filter) ?? (built ??= Build(filter)).Matches(new TestServerFilter.Row(record, i, snapshot))))
                    selected.Add(i);
            }
        }
        else
        {
            selected = Enumerable.Range(0, items.Count).ToList();
        }
        if (query.Order.Count == 0) return selected.Select(i => items[i]).ToList();

        // Each key read once per item (and checked: an object or a collection has no order), then a stable sort.
        var columns = query.Order.Select(k => SortColumn(snapshot, k)).ToArray();
        var keys = selected.Select(i => columns.Select(c => TestServerFilter.SortKey.Of(c[i])).ToArray()).ToList();
        var order = Enumerable.Range(0, selected.Count).OrderBy(i => i, Comparer<int>.Create((a, b) =>
        {
            for (var k = 0; k < columns.Length; k++)
            {
                var compared = keys[a][k].CompareTo(keys[b][k]);
                if (compared != 0) return query.Order[k].Minus ? -compared : compared;
            }
            return 0;
        }));
        return order.Select(i => items[selected[i]]).ToList();
    }

    private TestServerFilter Build(string filter) => TestServerFilter.Build(TestServerRql.Parse(filter), path => _paths.ContainsKey(path));

    private static TestServerFilter.Cell[] SortColumn(Items snapshot, TestServerQuery.Key key)
    {
        var column = snapshot.Column(key.Text, key.Path);
        foreach (var cell in column)
        {
            if (cell.Type is JTokenType.Array or JTokenType.Object)
                throw new TestServerQueryException($"order={(key.Minus ? "-" : "")}{key.Text}: '{key.Text}' is {TestServerFilter.Kind(cell.Type)}, which has no order; sort by one of its fields");
        }
        return column;
    }

    // A snapshot of the items and the values of each field path read from them, once.
    private sealed class Items : TestServerFilter.IColumns
    {
        private readonly ConcurrentDictionary<string, TestServerFilter.Cell[]> _columns = new(StringComparer.Ordinal);

        public Items(List<Entry> entries) => Entries = entries;

        public List<Entry> Entries { get; }

        public TestServerFilter.Cell[] Column(string text, string[] path) =>
            _columns.GetOrAdd(text, static (key, state) => state.Entries.Select(e => e.Record is { } record ? TestServerFilter.Cell.At(record, state.Path, key) : default).ToArray(), (Entries, Path: path));
    }

    // What the records of one answer look like: the fields left out by default (unless selected with +) and those
    // left out with -, removed from each record as it is written.
    private sealed class Shape
    {
        private readonly List<string[]> _removed;

        private Shape(List<string[]> removed, List<string> omitted)
        {
            _removed = removed;
            Omitted = omitted;
        }

        public List<string> Omitted { get; }

        public static Shape Of(TestServerQuery query, TestServerSettings settings)
        {
            var omitted = new List<string>();
            var removed = new List<string[]>();
            foreach (var field in settings.OmittedByDefault)
            {
                var added = query.Select.Any(k => !k.Minus && (k.Text == field || k.Text.StartsWith(field + ".", StringComparison.Ordinal) || field.StartsWith(k.Text + ".", StringComparison.Ordinal)));
                if (added) continue;
                omitted.Add(field);
                removed.Add(field.Split('.'));
            }
            foreach (var key in query.Select.Where(k => k.Minus && !omitted.Contains(k.Text)))
            {
                omitted.Add(key.Text);
                removed.Add(key.Path);
            }
            return new Shape(removed, omitted);
        }

        public string Render(Entry entry)
        {
            if (_removed.Count == 0 || entry.Record is not { } record) return entry.Json;
            var copy = (JObject)record.DeepClone();
            foreach (var path in _removed) Remove(copy, path, 0);
            return copy.ToString(Formatting.None);
        }

        // Through objects, and through each element of a collection (-modules.settings leaves it out of every module).
        private static void Remove(JToken token, string[] path, int at)
        {
            if (token is JArray elements)
            {
                foreach (var element in elements) Remove(element, path, at);
                return;
            }
            if (token is not JObject record) return;
            if (at == path.Length - 1)
            {
                record.Remove(path[at]);
                return;
            }
            if (record.TryGetValue(path[at], out var next)) Remove(next, path, at + 1);
        }
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
            Learn(stored, "");
            _items.Add(Entry.Of(json, stored));
            _snapshot = null;
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
            var stored = _items[at].Record?.DeepClone() as JObject ?? new JObject();
            foreach (var property in body.Properties().Where(p => p.Name != "id")) stored[property.Name] = property.Value;
            var json = stored.ToString(Formatting.None);
            Learn(stored, "");
            _items[at] = Entry.Of(json, stored);
            _snapshot = null;
            return json;
        }
    }

    /// <summary>Removes the item <paramref name="id"/>; <see langword="false"/> for an unknown ID.</summary>
    public bool Delete(string id)
    {
        lock (_gate)
        {
            _snapshot = null;
            return _items.RemoveAll(e => e.Id == id) > 0;
        }
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

    private void Learn(JObject? record, string prefix)
    {
        if (record is null) return;
        foreach (var property in record.Properties())
        {
            var path = prefix + property.Name;
            _paths.TryAdd(path, 0);
            if (property.Value is JObject inner) Learn(inner, path + ".");
        }
    }

    /// <summary>One stored item: its JSON as written, its ID, and the JSON read once (dates kept as the text they are).</summary>
    internal sealed record Entry(string Json, string? Id, JObject? Record)
    {
        public static Entry Of(string json)
        {
            JObject? record;
            try
            {
                record = ReadObject(json);
            }
            catch (JsonException)
            {
                record = null;
            }
            return Of(json, record);
        }

        public static Entry Of(string json, JObject? record) => new(json, record?["id"] is JValue { Type: JTokenType.String } id ? (string?)id : null, record);

        /// <summary>
        /// <paramref name="json"/> read as the platform stores what it is sent: date-looking text stays the text it is, and
        /// numbers keep their digits (decimals, or doubles for a number no decimal holds); <see langword="null"/> for JSON
        /// that is not an object.
        /// </summary>
        /// <exception cref="JsonException">It is not JSON.</exception>
        public static JObject? ReadObject(string json) =>
            Serialization.MarketplaceJsonReader.Deserialize<JToken>(JsonSerializer.Create(), json) as JObject; // the client's reading
    }
}
