using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using Marketplace.Client.Query;
using Marketplace.Client.Testing;
using Microsoft.FSharp.Core;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;
using static Marketplace.Client.Tests.Testing.RqlOracle;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// Generated records and queries: the test server's answer (its collection, from the query string the client writes,
/// read as the server reads a request) against <see cref="RqlOracle"/>, an evaluation written from the documented rules
/// alone. Seeded, so a failure reproduces; the seed is printed. A sample of the cases goes over HTTP too.
/// </summary>
public class RqlEvaluationPropertyTests
{
    private const ulong Seed = 20261207;
    private const int Cases = 2500;
    private const string Path = "/public/v1/test/records";

    // Text pieces that the rules treat specially, and letters in both cases.
    private static readonly string[] Pieces = { "a", "A", "b", "B", "*", "\\", "'", "\"", " ", "%", "&", "+", "#", "=", ",", "(", ")", "ü", "Ü", "-", "é" };
    private static readonly string[] Statuses = { "Running", "running", "Stopped", "Sus*pended", "" };
    private static readonly string[] ModuleIds = { "MOD-1", "MOD-2", "mod-1" };
    private static readonly string[] Ops = { "eq", "ne", "gt", "ge", "lt", "le" };
    private static readonly string[] SortFields = { "name", "status", "revision", "price", "created", "flag", "owner.name" };

    private readonly ITestOutputHelper _output;

    public RqlEvaluationPropertyTests(ITestOutputHelper output) => _output = output;

    private static Gen<string> Texts() => Gen.Elements(Pieces).ArrayOf().Select(p => string.Concat(p.Take(5)));

    // RQL cannot carry a value with both quote kinds; the client refuses it (tested elsewhere), so it is not generated.
    private static bool Quotable(string text) => !(text.Contains('"') && text.Contains('\''));

    private static Gen<Rec> Records(int index) =>
        from name in Texts().OrNull()
        from status in Gen.Elements(Statuses).OrNull()
        from revision in Gen.Choose(-3, 12).Select(n => (long?)n).Or(Gen.Constant((long?)null))
        from price in Gen.Choose(0, 2000).Select(n => (decimal?)(n / 100m)).Or(Gen.Constant((decimal?)null))
        from minutes in Gen.Choose(0, 30)
        from offset in Gen.Elements(0, 2, -5)
        from hasCreated in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from flag in Gen.Elements<bool?>(true, false, null)
        from owner in Gen.Elements("Contoso", "contoso", "O'Brien", "").OrNull()
        from modules in Gen.Elements(ModuleIds).SelectMany(id => Gen.Choose(0, 5).Select(q => new Mod(id, q == 0 ? null : q))).ArrayOf().Select(m => m.Take(3).ToArray()).OrNull()
        from nulls in Gen.Elements(true, false)
        select new Rec($"REC-{index:D3}", name, status, revision, price,
            hasCreated ? RqlOracle.Epoch.AddMinutes(minutes).ToOffset(TimeSpan.FromHours(offset)) : null, flag, owner, modules, nulls);

    private static Gen<Q> Leaf(Rec[] records)
    {
        var names = records.Select(r => r.Name).Where(n => n is not null).Cast<string>().Distinct().ToArray();
        Gen<string> Text(string field) => (field == "name" && names.Length > 0 ? Gen.Elements(names).Or(Texts()) : field == "status" ? Gen.Elements(Statuses) : field == "owner.name" ? Gen.Elements("Contoso", "contoso", "O'Brien", "", "Con") : Texts()).Where(Quotable);
        var textField = Gen.Elements("name", "status", "owner.name");
        return Gen.OneOf(
            from field in textField from op in Gen.Elements(Ops) from value in Text(field) select (Q)new Cmp(op, field, value),
            from op in Gen.Elements(Ops) from n in Gen.Choose(-4, 13) select (Q)new Cmp(op, "revision", (long)n),
            from op in Gen.Elements(Ops) from n in Gen.Choose(0, 2000) select (Q)new Cmp(op, "price", n / 100m),
            from op in Gen.Elements(Ops) from m in Gen.Choose(-1, 31) select (Q)new Cmp(op, "created", RqlOracle.Epoch.AddMinutes(m)),
            from op in Gen.Elements("eq", "ne") from b in Gen.Elements(true, false) select (Q)new Cmp(op, "flag", b),
            from op in Gen.Elements("eq", "ne") from field in Gen.Elements(SortFields.Append("modules").ToArray()) select (Q)new Cmp(op, field, Marker.Null),
            from op in Gen.Elements("eq", "ne") from field in Gen.Elements("name", "modules") select (Q)new Cmp(op, field, Marker.Empty),
            from field in textField from match in Gen.Elements(TextMatch.Contains, TextMatch.StartsWith, TextMatch.EndsWith) from part in Text(field).Select(t => t.Length > 3 ? t.Substring(1, 2) : t)
                from ignoreCase in Gen.Elements(true, false)
                where !(match != TextMatch.EndsWith && part.EndsWith('\\')) && !(match == TextMatch.StartsWith && part.StartsWith("\\*", StringComparison.Ordinal))
                select (Q)new RqlOracle.Text(field, match, part, ignoreCase),
            from field in textField from lead in Gen.Elements("", "*", "\\*") from core in Texts() from trail in Gen.Elements("", "*", "\\*") from ignoreCase in Gen.Elements(true, false)
                where core.Length > 0 && !core.StartsWith('*') && !core.StartsWith("\\*", StringComparison.Ordinal) && !core.EndsWith('*') && !core.EndsWith('\\') && Quotable(core)
                select (Q)new Pattern(field, lead, core, trail, ignoreCase),
            from field in textField from isOut in Gen.Elements(true, false) from values in Text(field).ArrayOf() where values.Length > 0
                select (Q)new RqlOracle.InList(field, isOut, values.Take(3).Cast<object>().ToArray()),
            from isOut in Gen.Elements(true, false) from values in Gen.Choose(-3, 12).ArrayOf() where values.Length > 0
                select (Q)new RqlOracle.InList("revision", isOut, values.Take(3).Select(v => (object)(long)v).ToArray()),
            from every in Gen.Elements(true, false) from op in Gen.Elements("eq", "ne", "gt", "lt") from id in Gen.Elements(ModuleIds)
                select (Q)new Modules(every, "id", op, id),
            from every in Gen.Elements(true, false) from op in Gen.Elements("eq", "ne", "gt", "lt") from qty in Gen.Choose(0, 5)
                select (Q)new Modules(every, "qty", op, (long)qty));
    }

    private static Gen<Q> Query(Rec[] records, int depth) => depth == 0
        ? Leaf(records)
        : Gen.Frequency(
            (3, Leaf(records)),
            (1, Query(records, depth - 1).ArrayOf().Where(a => a.Length >= 2).Select(a => (Q)new All(a.Take(3).ToArray()))),
            (1, Query(records, depth - 1).ArrayOf().Where(a => a.Length >= 2).Select(a => (Q)new AnyOf(a.Take(3).ToArray()))),
            (1, Query(records, depth - 1).Select(q => (Q)new RqlOracle.Not(q))));

    private static Gen<(Rec[] Records, Q? Filter, (string, bool)[] Order)> Cases_() =>
        from count in Gen.Choose(0, 25)
        from records in Gen.CollectToArray(Enumerable.Range(0, count).Select(Records))
        from filter in Query(records, 3).OrNull()
        from order in Gen.Elements(SortFields).SelectMany(f => Gen.Elements(true, false).Select(d => (f, d))).ArrayOf().Select(o => o.Take(2).ToArray())
        select (records, filter, order);

    private static RqlQuery ToQuery(Q? filter, (string Field, bool Descending)[] order)
    {
        var query = filter is null ? RqlQuery.All : RqlQuery.Where(filter.Rql());
        foreach (var (field, descending) in order) query = descending ? query.OrderByDescending(field) : query.OrderBy(field);
        return query;
    }

    private static List<string> Answer(Rec[] records, string rawQuery)
    {
        var collection = new SeededCollection(Path);
        collection.Add(records.Select(r => r.Json()));
        return collection.Answer(TestServerQuery.Read(rawQuery, MarketplaceTestRequest.ReadQuery(rawQuery)), new TestServerSettings()).Select(e => e.Id!).ToList();
    }

    [Fact]
    public void The_server_selects_and_orders_generated_records_as_the_documented_rules_do()
    {
        _output.WriteLine($"FsCheck seed {Seed}, {Cases} cases");
        var ran = 0;
        var selective = 0;
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed), FSharpOption<int>.None)));

        Check.One(config, Prop.ForAll(Cases_().ToArbitrary(), c =>
        {
            var query = ToQuery(c.Filter, c.Order);
            var expected = Sort(c.Records.Where(r => c.Filter?.Holds(r) ?? true), c.Order).Select(r => r.Id).ToList();
            var actual = Answer(c.Records, query.ToQueryString());
            ran++;
            if (expected.Count > 0 && expected.Count < c.Records.Length) selective++;
            if (!expected.SequenceEqual(actual))
                throw new Xunit.Sdk.XunitException($"{query.ToQueryString()}\nrecords:\n{string.Join("\n", c.Records.Select(r => r.Json()))}\nexpected {string.Join(",", expected)}\nactual   {string.Join(",", actual)}");
            return true;
        }));

        _output.WriteLine($"{ran} cases, {selective} selected some records but not all");
        Assert.True(ran >= 2000, $"only {ran} cases ran");
        Assert.True(selective >= ran / 5, $"only {selective} of {ran} cases selected some but not all records: the generator is too weak to tell a filter from none");
    }

    [Fact]
    public async Task A_sample_of_generated_cases_gives_the_same_answer_over_http_paged_and_streamed()
    {
        var samples = Gen.Sample(Cases_(), 60, new Rnd(Seed), 10);
        await using var server = MarketplaceTestServer.Start();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MarketplaceTestServer.Token);
        var ran = 0;
        foreach (var c in samples.Where(s => s.Records.Length > 0).Take(40))
        {
            server.Reset();
            server.AddExtensionInstances(TestApi.ExtensionId, c.Records.Select(r => Marketplace.Client.Serialization.MarketplaceJson.Deserialize<Instance>(r.Json())!));
            var query = ToQuery(c.Filter, c.Order).ToQueryString();
            var expected = Sort(c.Records.Where(r => c.Filter?.Holds(r) ?? true), c.Order).Select(r => r.Id).ToList();

            var page = JObject.Parse(await http.GetStringAsync(TestApi.InstancesPath.TrimStart('/') + "?" + query + (query.Length > 0 ? "&" : "") + "limit=100"));
            using var request = new HttpRequestMessage(HttpMethod.Get, TestApi.InstancesPath.TrimStart('/') + (query.Length > 0 ? "?" + query : ""));
            request.Headers.Add("MPT-Streaming", "true");
            request.Headers.Accept.ParseAdd("application/jsonl");
            using var streamed = await http.SendAsync(request);
            var lines = (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(expected, page["data"]!.Select(i => (string)i["id"]!).ToList());
            Assert.Equal(expected.Count, (int)page["$meta"]!["pagination"]!["total"]!);
            Assert.Equal(expected, lines.Select(l => (string)JObject.Parse(l)["id"]!).ToList());
            ran++;
        }
        Assert.True(ran >= 30, $"only {ran} samples");
    }
}
