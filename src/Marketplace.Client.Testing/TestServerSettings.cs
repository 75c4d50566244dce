using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Testing;

/// <summary>
/// How the server answers queries beyond the platform's rules: the fields it leaves out unless selected
/// (<see cref="MarketplaceTestServer.OmitByDefault"/>) and the filters a test plugged in for one collection
/// (<see cref="MarketplaceTestServer.FilterWith"/>). Thread-safe.
/// </summary>
internal sealed class TestServerSettings
{
    private readonly ConcurrentDictionary<string, Func<JObject, string, bool?>> _filters = new(StringComparer.Ordinal);
    private volatile string[] _omitted = Array.Empty<string>();

    public IReadOnlyList<string> OmittedByDefault => _omitted;

    public void Omit(string[] fields) => _omitted = fields;

    public void SetFilter(string collectionPath, Func<JObject, string, bool?> predicate) => _filters[collectionPath] = predicate;

    public Func<JObject, string, bool?>? FilterFor(string collectionPath) => _filters.TryGetValue(collectionPath, out var filter) ? filter : null;

    public void Clear()
    {
        _filters.Clear();
        _omitted = Array.Empty<string>();
    }
}
