using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Marketplace.Client.Testing;

/// <summary>
/// One seeded collection: its items as the platform writes them (JSON, written once when seeded), served as pages of the
/// list envelope or as a stream of JSON lines, by the platform's rules (../shared/API-FACTS.md, "Collections", "Streaming").
/// </summary>
internal sealed class SeededCollection
{
    private readonly object _gate = new();
    private readonly List<string> _items = new();

    public void Add(IEnumerable<string> json)
    {
        lock (_gate) _items.AddRange(json);
    }

    private List<string> Snapshot()
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
        page.Append(string.Join(",", items.Skip(offset).Take(served)));
        return page.Append("]}").ToString();
    }

    /// <summary>The streamed records, one JSON object per line, and their count: from <paramref name="offset"/>, all of them when <paramref name="limit"/> is null.</summary>
    public (string Body, int Count) Stream(int offset, int? limit)
    {
        var records = Snapshot().Skip(offset).Take(limit ?? int.MaxValue).ToList();
        var body = new StringBuilder();
        foreach (var record in records) body.Append(record).Append('\n');
        return (body.ToString(), records.Count);
    }
}
