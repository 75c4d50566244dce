using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Query;

/// <summary>
/// End to end: the client's query over HTTP to a server that filters by the documented RQL rules (decoding, quoting
/// without escapes, like patterns; <see cref="RqlReader"/>). Each query must select exactly the rows it means.
/// </summary>
public sealed class RqlServerTests : IDisposable
{
    private static readonly string[] Names =
    {
        "O'Brien", "O'Bannon", "OBrien", "back\\slash", "back\\\\slash", "say \"hi\"", "it's \"both\"",
        "50%*off", "50% off", "*star", "star*", "R&D #1 = 100% +x ü", "C:\\temp", "status",
    };

    private readonly TestApi _api = new();

    public RqlServerTests()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var filter = RqlReader.DecodeQuery(request.RawQuery?.TrimStart('?') ?? "")
                    .Where(part => !part.StartsWith("limit=", StringComparison.Ordinal) && !part.StartsWith("offset=", StringComparison.Ordinal))
                    .Select(RqlReader.Parse)
                    .SingleOrDefault();
                var rows = Names.Select((name, i) => new { id = $"INS-0000-0000-0000-{i:D4}", name })
                    .Where(row => filter is null || Evaluate(filter, row.name))
                    .ToList();
                var body = new JObject
                {
                    ["$meta"] = new JObject { ["pagination"] = new JObject { ["offset"] = 0, ["limit"] = 100, ["total"] = rows.Count } },
                    ["data"] = JArray.FromObject(rows),
                };
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = body.ToString(), DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
    }

    public static TheoryData<string, Func<RqlExpression>, string[]> Queries() => new()
    {
        { "eq with a single quote", () => Rql.Eq("name", "O'Brien"), new[] { "O'Brien" } },
        { "eq with a backslash", () => Rql.Eq("name", "back\\slash"), new[] { "back\\slash" } },
        { "eq with double quotes", () => Rql.Eq("name", "say \"hi\""), new[] { "say \"hi\"" } },
        { "like with a quote", () => Rql.Like("name", "O'B*"), new[] { "O'Brien", "O'Bannon" } },
        { "contains text ending in *", () => Rql.Contains("name", "50%*"), new[] { "50%*off" } },
        { "starts with *", () => Rql.StartsWith("name", "*st"), new[] { "*star" } },
        { "ends with *", () => Rql.EndsWith("name", "r*"), new[] { "star*" } },
        { "url-special characters", () => Rql.Eq("name", "R&D #1 = 100% +x ü"), new[] { "R&D #1 = 100% +x ü" } },
        { "a value that is a field name", () => Rql.Eq("name", "status"), new[] { "status" } },
        { "in with quotes", () => Rql.In("name", "O'Brien", "say \"hi\""), new[] { "O'Brien", "say \"hi\"" } },
        { "ilike ignoring case", () => Rql.Contains("name", "BRIEN", ignoreCase: true), new[] { "O'Brien", "OBrien" } },
        { "not", () => Rql.Not(Rql.StartsWith("name", "O")), Names.Where(n => !n.StartsWith('O')).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Each_query_selects_exactly_what_it_means(string what, Func<RqlExpression> filter, string[] expected)
    {
        using var client = _api.CreateClient();

        var names = new List<string?>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, RqlQuery.Where(filter())))
            names.Add(instance.Name);

        Assert.True(expected.OrderBy(n => n, StringComparer.Ordinal).SequenceEqual(names.OrderBy(n => n, StringComparer.Ordinal)), $"{what}: got [{string.Join(" | ", names)}]");
    }

    [Fact]
    public void A_value_with_both_quote_kinds_is_refused_before_any_request()
    {
        Assert.Throws<ArgumentException>(() => RqlQuery.Where(Rql.Eq("name", "it's \"both\"")));

        Assert.Empty(_api.WireMock.LogEntries);
    }

    private static bool Evaluate(RqlReader.Node node, string name)
    {
        var call = (RqlReader.Call)node;
        string Field(int i) => ((RqlReader.Bare)call.Arguments[i]).Text == "name" ? name : throw new FormatException("Only 'name' is served here.");
        string Text(RqlReader.Node argument) => ((RqlReader.Quoted)argument).Text;
        return call.Name switch
        {
            "eq" => Field(0) == Text(call.Arguments[1]),
            "ne" => Field(0) != Text(call.Arguments[1]),
            "like" => RqlReader.Matches(Text(call.Arguments[1]), Field(0), ignoreCase: false),
            "ilike" => RqlReader.Matches(Text(call.Arguments[1]), Field(0), ignoreCase: true),
            "in" => ((RqlReader.Group)call.Arguments[1]).Items.Select(Text).Contains(Field(0)),
            "out" => !((RqlReader.Group)call.Arguments[1]).Items.Select(Text).Contains(Field(0)),
            "and" => call.Arguments.All(a => Evaluate(a, name)),
            "or" => call.Arguments.Any(a => Evaluate(a, name)),
            "not" => !Evaluate(call.Arguments[0], name),
            _ => throw new FormatException($"Unknown operator {call.Name}."),
        };
    }

    public void Dispose() => _api.Dispose();
}
