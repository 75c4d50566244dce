using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Marketplace.Client.Testing;
using Xunit;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// The 27 query shapes of issue 22, through the real client (<c>ListAll…Async</c> and <c>StreamAll…Async</c>) against 265
/// seeded instances: each must select exactly the rows the platform would, in the same order. What the platform would
/// select is written here in LINQ over the typed models, from the documented rules (../shared/API-FACTS.md, "Query
/// language"): strings equal and ordered ordinally, a like pattern's * wildcard only at its ends, numbers as numbers,
/// timestamps as instants (whatever their offset), a missing field is null (only null() matches it, ne does not), and no
/// order means the order seeded.
/// </summary>
public sealed class QueryShapesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Cutoff = Start.AddHours(130);

    // Names that carry what the query string and RQL's quoting must get right, among ordinary ones.
    private static readonly string[] Special =
    {
        "O'Brien", "say \"hi\"", @"back\slash", "50% off", "a+b", "R&D", "#1 node", "Zürich 東京", "both \" and '", "star*name",
        "*lead", "PROD-main", "prod-edge", "web-prod-eu",
    };

    private static readonly string[] Statuses = { "Running", "Connecting", "Disconnected", "Deleted", "Suspended" };

    private static readonly List<Instance> Seeded = Enumerable.Range(0, 265).Select(Instance).ToList();

    private MarketplaceTestServer _server = null!;
    private MarketplaceClient _client = null!;

    public Task InitializeAsync()
    {
        _server = MarketplaceTestServer.Start();
        _server.OmitByDefault("audit").AddExtensionInstances(TestApi.ExtensionId, Seeded);
        _client = _server.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static Instance Instance(int i) => new()
    {
        Id = $"INS-6587-4477-5207-{i:D4}",
        Name = i < Special.Length ? Special[i] : (i % 3) switch { 0 => $"web-{i}-eu", 1 => $"db-{i}-us", _ => $"node-Prod-{i}" },
        Status = new InstanceStatus(Statuses[i % Statuses.Length]),
        Revision = i % 11 == 0 ? null : i % 17,
        ExternalId = i % 4 == 0 ? null : $"ext-{i}",
        // One hour apart, alternately written in UTC and at +02:00: the text order is not the instant order.
        Audit = new InstanceAudit { Created = new PlatformObjectEvent { At = Start.AddHours(i).ToOffset(i % 2 == 0 ? TimeSpan.Zero : TimeSpan.FromHours(2)) } },
    };

    private static string Status(Instance i) => i.Status?.ToString() ?? "";

    private static DateTimeOffset Created(Instance i) => i.Audit!.Created!.At!.Value;

    // Ascending with nulls first (descending: last), as the platform's database sorts them.
    private static IOrderedEnumerable<Instance> ByRevisionDescendingThenName(IEnumerable<Instance> items) =>
        items.OrderByDescending(i => i.Revision.HasValue).ThenByDescending(i => i.Revision ?? 0).ThenBy(i => i.Name, AsText);

    public static TheoryData<string> Shapes() => new(Cases.Keys);

    private static readonly Dictionary<string, (Func<RqlQuery> Query, Func<IEnumerable<Instance>, IEnumerable<Instance>> Expected)> Cases = new()
    {
        ["eq with a single quote"] = (() => RqlQuery.Where(Rql.Eq("name", "O'Brien")), s => s.Where(i => i.Name == "O'Brien")),
        ["eq with a double quote"] = (() => RqlQuery.Where(Rql.Eq("name", "say \"hi\"")), s => s.Where(i => i.Name == "say \"hi\"")),
        ["eq with a backslash"] = (() => RqlQuery.Where(Rql.Eq("name", @"back\slash")), s => s.Where(i => i.Name == @"back\slash")),
        ["eq with %"] = (() => RqlQuery.Where(Rql.Eq("name", "50% off")), s => s.Where(i => i.Name == "50% off")),
        ["eq with +"] = (() => RqlQuery.Where(Rql.Eq("name", "a+b")), s => s.Where(i => i.Name == "a+b")),
        ["eq with &"] = (() => RqlQuery.Where(Rql.Eq("name", "R&D")), s => s.Where(i => i.Name == "R&D")),
        ["eq with #"] = (() => RqlQuery.Where(Rql.Eq("name", "#1 node")), s => s.Where(i => i.Name == "#1 node")),
        ["eq with non-ASCII"] = (() => RqlQuery.Where(Rql.Eq("name", "Zürich 東京")), s => s.Where(i => i.Name == "Zürich 東京")),
        ["contains"] = (() => RqlQuery.Where(Rql.Contains("name", "-Prod-")), s => s.Where(i => i.Name!.Contains("-Prod-", StringComparison.Ordinal))),
        ["starts with"] = (() => RqlQuery.Where(Rql.StartsWith("name", "web-")), s => s.Where(i => i.Name!.StartsWith("web-", StringComparison.Ordinal))),
        ["ends with"] = (() => RqlQuery.Where(Rql.EndsWith("name", "-us")), s => s.Where(i => i.Name!.EndsWith("-us", StringComparison.Ordinal))),
        ["ilike ignores case"] = (() => RqlQuery.Where(Rql.ILike("name", "*prod*")), s => s.Where(i => i.Name!.Contains("prod", StringComparison.OrdinalIgnoreCase))),
        ["like is case-sensitive"] = (() => RqlQuery.Where(Rql.Like("name", "*prod*")), s => s.Where(i => i.Name!.Contains("prod", StringComparison.Ordinal))),
        ["a literal asterisk"] = (() => RqlQuery.Where(Rql.StartsWith("name", "*")), s => s.Where(i => i.Name!.StartsWith('*'))),
        ["in"] = (() => RqlQuery.Where(Rql.In("status", "Running", "Connecting")), s => s.Where(i => Status(i) is "Running" or "Connecting")),
        ["out"] = (() => RqlQuery.Where(Rql.Out("status", "Running", "Deleted")), s => s.Where(i => Status(i) is not ("Running" or "Deleted"))),
        ["and"] = (() => RqlQuery.Where(Rql.And(Rql.Eq("status", "Running"), Rql.Ge("revision", 5))), s => s.Where(i => Status(i) == "Running" && i.Revision >= 5)),
        ["or"] = (() => RqlQuery.Where(Rql.Or(Rql.Eq("status", "Disconnected"), Rql.Lt("revision", 2))), s => s.Where(i => Status(i) == "Disconnected" || i.Revision < 2)),
        ["not"] = (() => RqlQuery.Where(Rql.Not(Rql.Eq("status", "Running"))), s => s.Where(i => Status(i) != "Running")),
        ["ne leaves out what is null"] = (() => RqlQuery.Where(Rql.Ne("externalId", "ext-1")), s => s.Where(i => i.ExternalId is not null && i.ExternalId != "ext-1")),
        ["ge on numbers"] = (() => RqlQuery.Where(Rql.Ge("revision", 10)), s => s.Where(i => i.Revision >= 10)),
        ["gt on dates"] = (() => RqlQuery.Where(Rql.Gt("audit.created.at", Cutoff)).Select("+audit"), s => s.Where(i => Created(i) > Cutoff)),
        ["null()"] = (() => RqlQuery.Where(Rql.IsNull("externalId")), s => s.Where(i => i.ExternalId is null)),
        ["order up, across pages"] = (() => RqlQuery.All.OrderBy("name"), s => s.OrderBy(i => i.Name, AsText)),
        ["order down by a date"] = (() => RqlQuery.All.OrderByDescending("audit.created.at").Select("+audit"), s => s.OrderByDescending(Created)),
        ["order by two keys"] = (() => RqlQuery.All.OrderByDescending("revision").OrderBy("name"), s => ByRevisionDescendingThenName(s)),
    };

    // Text in the order the platform's RQL engine compares it (RqlOracle.CompareText).
    private static readonly IComparer<string?> AsText = Comparer<string?>.Create((a, b) => RqlOracle.CompareText(a ?? "", b ?? ""));

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Each_shape_selects_the_platforms_rows_in_its_order_through_paging_and_streaming(string shape)
    {
        var (query, expected) = Cases[shape];
        var want = expected(Seeded).Select(i => i.Id).ToList();
        Assert.NotEmpty(want);

        var listed = await ToListAsync(_client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query()));
        var streamed = await ToListAsync(_client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, query()));

        Assert.Equal(want, listed.Select(i => i.Id).ToList());
        Assert.Equal(want, streamed.Select(i => i.Id).ToList());
        var selectsAudit = query().Selection.Contains("+audit");
        Assert.All(listed.Concat(streamed), i => Assert.Equal(selectsAudit, i.Audit is not null));
        Assert.Equal(want.Count, await _client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query()).GetTotalCountAsync());
    }

    [Fact]
    public async Task The_client_reads_the_omitted_fields_and_the_filtered_total_from_each_page()
    {
        var running = RqlQuery.Where(Rql.Eq("status", "Running"));
        var pages = new List<MarketplacePage<Instance>>();
        await foreach (var page in _client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, running).AsPages()) pages.Add(page);
        var selected = new List<MarketplacePage<Instance>>();
        await foreach (var page in _client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, running.Select("+audit")).AsPages()) selected.Add(page);

        Assert.Equal(new int?[] { 53 }, pages.Select(p => p.Total).Distinct().ToArray());
        Assert.All(pages, p => Assert.Equal(new[] { "audit" }, p.Omitted));
        Assert.All(selected, p => Assert.Empty(p.Omitted));
    }

    [Fact]
    public void A_value_with_both_quote_kinds_is_refused_by_the_client_before_anything_is_sent()
    {
        var error = Assert.Throws<ArgumentException>(() => Rql.Eq("name", "both \" and '"));

        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void The_shapes_discriminate_a_filter_that_serves_everything_and_a_sort_that_compares_text()
    {
        // Every filtering shape selects fewer rows than were seeded, and the instant order differs from the text order.
        foreach (var (query, expected) in Cases.Values.Where(c => c.Query().Filter is not null))
            Assert.InRange(expected(Seeded).Count(), 1, Seeded.Count - 1);
        Assert.NotEqual(
            Seeded.OrderByDescending(Created).Select(i => i.Id),
            Seeded.OrderByDescending(i => Newtonsoft.Json.JsonConvert.SerializeObject(Created(i)), StringComparer.Ordinal).Select(i => i.Id));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
