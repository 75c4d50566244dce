using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Marketplace.Client.Serialization;
using Marketplace.Client.Testing;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// Each operator, separator, order and select of the platform's RQL (../shared/API-FACTS.md, "Query language") on five
/// hand-written records, over raw HTTP as a consumer's code or another client sends it; the expected IDs are worked out
/// by hand from the rules. And the queries the platform refuses: 400 problem details that name the problem.
/// </summary>
public sealed class RqlEvaluationTests : IAsyncLifetime
{
    // A's timestamp is 08:00Z written at +02:00: the earliest instant, though not the smallest text.
    private static readonly string[] Records =
    {
        """{"id":"A","name":"Alpha","status":"Running","revision":3,"price":9.5,"created":"2025-03-14T10:00:00.000+02:00","flag":true,"owner":{"name":"Contoso"},"modules":[{"id":"MOD-1","qty":2},{"id":"MOD-2","qty":5}],"tags":["x","y"]}""",
        """{"id":"B","name":"beta*","status":"Stopped","revision":10,"price":20,"created":"2025-03-14T09:00:00.000Z","flag":false,"owner":{"name":"contoso"},"modules":[]}""",
        """{"id":"C","name":"*gamma","revision":null,"created":"2025-03-14T08:30:00Z","modules":[{"id":"MOD-1","qty":1}],"tags":[]}""",
        """{"id":"D","name":"O'Brien \\ co","status":"running","revision":-1,"price":0.1,"flag":true}""",
        """{"id":"E","name":"","status":"Running","revision":3,"owner":null}""",
    };

    private MarketplaceTestServer _server = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = MarketplaceTestServer.Start();
        _server.AddExtensionInstances(TestApi.ExtensionId, Records.Select(r => MarketplaceJson.Deserialize<Instance>(r)!));
        _http = new HttpClient { BaseAddress = _server.BaseUri };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MarketplaceTestServer.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    // The query as written here, percent-encoded where a URL needs it (RQL's syntax, = and & stay: they are structure
    // here; so does %, for a query that is already encoded).
    private static string Encode(string query)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(query))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~()',;|*=&:!%".Contains(c)) encoded.Append(c);
            else encoded.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    private async Task<HttpResponseMessage> GetAsync(string query) =>
        await _http.GetAsync(TestApi.InstancesPath.TrimStart('/') + "?" + Encode(query));

    private async Task<JObject> PageAsync(string query)
    {
        using var response = await GetAsync(query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        return JObject.Parse(body);
    }

    private async Task<string> IdsAsync(string query) => string.Join(",", (await PageAsync(query))["data"]!.Select(i => (string)i["id"]!));

    [Theory]
    // Equality, written every way the platform reads it.
    [InlineData("eq(status,\"Running\")", "A,E")]
    [InlineData("eq(status,'Running')", "A,E")]
    [InlineData("eq(status,Running)", "A,E")]
    [InlineData("status=Running", "A,E")]
    [InlineData("status=\"Running\"", "A,E")]
    [InlineData("EQ(status,\"Running\")", "A,E")]
    [InlineData("eq( status , \"Running\" )", "A,E")]
    [InlineData("eq(name,\"O'Brien \\ co\")", "D")]
    [InlineData("eq(name,empty())", "E")]
    // ne leaves out a record without the field (C has no status); not(eq) keeps it.
    [InlineData("ne(status,\"Running\")", "B,D")]
    [InlineData("not(eq(status,\"Running\"))", "B,C,D")]
    // Numbers as numbers.
    [InlineData("gt(revision,3)", "B")]
    [InlineData("ge(revision,3)", "A,B,E")]
    [InlineData("lt(revision,3)", "D")]
    [InlineData("le(revision,3)", "A,D,E")]
    [InlineData("eq(revision,3.0)", "A,E")]
    [InlineData("gt(price,9.49)", "A,B")]
    [InlineData("eq(price,0.1)", "D")]
    // Timestamps as instants, whatever their offset.
    [InlineData("gt(created,2025-03-14T08:15:00.000Z)", "B,C")]
    [InlineData("lt(created,2025-03-14T08:15:00.000Z)", "A")]
    [InlineData("eq(created,2025-03-14T08:00:00.000Z)", "A")]
    // Booleans.
    [InlineData("eq(flag,true)", "A,D")]
    [InlineData("ne(flag,true)", "B")]
    // null() and empty(): null or missing alike.
    [InlineData("eq(revision,null())", "C")]
    [InlineData("eq(price,null())", "C,E")]
    [InlineData("ne(price,null())", "A,B,D")]
    [InlineData("eq(owner,null())", "C,D,E")]
    [InlineData("eq(modules,empty())", "B")]
    [InlineData("ne(modules,empty())", "A,C")]
    // like and ilike: * at the ends is the wildcard, \* there a literal asterisk, anything else literal.
    [InlineData("like(name,\"*a\")", "A,C")]
    [InlineData("like(name,\"Alpha\")", "A")]
    [InlineData("like(name,\"alpha\")", "")]
    [InlineData("ilike(name,\"alpha\")", "A")]
    [InlineData("ilike(name,\"*A*\")", "A,B,C")]
    [InlineData("like(name,\"*\\*\")", "B")]
    [InlineData("like(name,\"beta\\*\")", "B")]
    [InlineData("like(name,\"\\*gam*\")", "C")]
    [InlineData("like(name,\"O'B*\")", "D")]
    [InlineData("like(name,\"* \\ *\")", "D")]
    [InlineData("like(name,\"A*a\")", "")]
    [InlineData("like(name,\"*\\ co\")", "D")]
    // in and out: a missing field is in no list.
    [InlineData("in(status,(\"Running\",\"Stopped\"))", "A,B,E")]
    [InlineData("in(status,(Running))", "A,E")]
    [InlineData("out(status,(\"Running\"))", "B,C,D")]
    [InlineData("in(revision,(3,10))", "A,B,E")]
    // and, or, and the top-level separators: , and & are and, ; and | are or, and binds tighter.
    [InlineData("and(eq(status,\"Running\"),gt(revision,0))", "A,E")]
    [InlineData("or(eq(status,\"Stopped\"),lt(revision,0))", "B,D")]
    [InlineData("eq(status,\"Running\")&eq(revision,3)", "A,E")]
    [InlineData("eq(status,\"Running\"),eq(flag,true)", "A")]
    [InlineData("eq(status,\"Stopped\")|eq(name,\"\")", "B,E")]
    [InlineData("eq(status,\"Stopped\");eq(name,\"\")", "B,E")]
    [InlineData("eq(name,\"\")|eq(status,\"Stopped\")&eq(flag,true)", "E")]
    [InlineData("(eq(name,\"\")|eq(status,\"Stopped\"))&eq(flag,false)", "B")]
    // Nested objects, collections, and the element itself.
    [InlineData("eq(owner.name,\"Contoso\")", "A")]
    [InlineData("ilike(owner.name,\"contoso\")", "A,B")]
    [InlineData("any(modules,eq(id,\"MOD-2\"))", "A")]
    [InlineData("any(modules,gt(qty,1))", "A")]
    [InlineData("all(modules,eq(id,\"MOD-1\"))", "B,C")]
    [InlineData("any(modules)", "A,C")]
    [InlineData("any(tags,eq(self(),\"x\"))", "A")]
    // An unquoted value naming a field compares the two fields.
    [InlineData("ge(price,revision)", "A,B,D")]
    public async Task Each_operator_selects_the_records_the_rules_select(string filter, string expected)
    {
        Assert.Equal(expected, await IdsAsync(filter));
        Assert.Equal(expected.Length == 0 ? 0 : expected.Split(',').Length, (int)(await PageAsync(filter + "&limit=0"))["$meta"]!["pagination"]!["total"]!);
    }

    [Theory]
    [InlineData("order=created", "D,E,A,C,B")]
    [InlineData("order=-created", "B,C,A,D,E")]
    [InlineData("order=-revision,name", "B,E,A,D,C")]
    // Text in the order the platform's RQL engine compares it (culture-aware, invariant: issue 36, item 8), not by UTF-16
    // code, which put "O'Brien" before "beta*": symbols, then letters whatever their case.
    [InlineData("order=%2Bname", "E,C,A,B,D")]
    [InlineData("order= name", "E,C,A,B,D")]
    [InlineData("order=-name", "D,B,A,C,E")]
    [InlineData("gt(name,\"b\")", "B,D")]
    [InlineData("le(name,\"beta*\")", "A,B,C,E")]
    // Spaces after a comma are not part of a key.
    [InlineData("order=-revision, name", "B,E,A,D,C")]
    [InlineData("order=name, -revision", "E,C,A,B,D")]
    [InlineData("order=revision , -name", "C,D,A,E,B")]
    [InlineData("ilike(name,\"*a*\")&order=-name", "B,A,C")]
    public async Task Order_sorts_by_each_key_in_turn_with_missing_values_first_ascending(string query, string expected) =>
        Assert.Equal(expected, await IdsAsync(query));

    [Fact]
    public async Task Paging_and_streaming_go_over_the_same_filtered_ordered_records()
    {
        var second = await PageAsync("ne(status,null())&order=-revision&limit=2&offset=2");
        Assert.Equal(new[] { "E", "D" }, second["data"]!.Select(i => (string)i["id"]!));
        Assert.Equal(4, (int)second["$meta"]!["pagination"]!["total"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, TestApi.InstancesPath.TrimStart('/') + "?" + Encode("ne(status,null())&order=-revision&offset=1"));
        request.Headers.Add("MPT-Streaming", "true");
        request.Headers.Accept.ParseAdd("application/jsonl");
        using var streamed = await _http.SendAsync(request);
        var lines = (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "A", "E", "D" }, lines.Select(l => (string)JObject.Parse(l)["id"]!));
        Assert.Equal("3", streamed.Headers.GetValues("MPT-Item-Count").Single());
    }

    [Fact]
    public async Task Select_leaves_fields_out_and_lists_them_in_meta_omitted()
    {
        var page = await PageAsync("eq(id,\"A\")&select=-owner,-modules.qty");
        var item = (JObject)page["data"]![0]!;
        Assert.Null(item["owner"]);
        Assert.Equal(new[] { "MOD-1", "MOD-2" }, item["modules"]!.Select(m => (string)m["id"]!));
        Assert.All(item["modules"]!, m => Assert.Null(m["qty"]));
        Assert.Equal(new[] { "owner", "modules.qty" }, page["$meta"]!["omitted"]!.Select(t => (string)t!));

        _server.OmitByDefault("owner", "tags");
        var omitted = await PageAsync("eq(id,\"A\")");
        Assert.Null(omitted["data"]![0]!["owner"]);
        Assert.Equal(new[] { "owner", "tags" }, omitted["$meta"]!["omitted"]!.Select(t => (string)t!));
        var selected = await PageAsync("eq(id,\"A\")&select=%2Bowner");
        Assert.Equal("Contoso", (string)selected["data"]![0]!["owner"]!["name"]!);
        Assert.Equal(new[] { "tags" }, selected["$meta"]!["omitted"]!.Select(t => (string)t!));
        // A filter still sees a field left out of what is served.
        Assert.Equal("A", await IdsAsync("eq(owner.name,\"Contoso\")"));

        Assert.Throws<ArgumentException>(() => _server.OmitByDefault("owner name"));
    }

    [Fact]
    public async Task Without_a_select_or_a_field_left_out_the_envelope_has_no_omitted_list_and_items_are_served_as_seeded()
    {
        var page = await PageAsync("eq(id,\"D\")");

        Assert.Null(page["$meta"]!["omitted"]);
        Assert.Equal(JToken.Parse(MarketplaceJson.Serialize(MarketplaceJson.Deserialize<Instance>(Records[3]))).ToString(), page["data"]![0]!.ToString());
    }

    [Theory]
    [InlineData("eq(status,\"Running\"", "unbalanced parentheses: the '(' at position 2 is never closed")]
    [InlineData("eq(status,\"Running\"))", "unbalanced parentheses: the ')' at position 20 closes nothing")]
    [InlineData("eq(status,\"Running)", "unterminated quote: the \" at position 10 is never closed")]
    [InlineData("eq(status,\"Run\"ning\")", "unexpected text after the quoted value")]
    [InlineData("eq(name,\"O'Brien \\\"co\")", "unexpected text after the quoted value at position 19 (a quoted value ends at the next \"; RQL has no escape character)")]
    [InlineData("eq(status,Run\"ning\")", "a quote at position 13 inside the unquoted value 'Run'")]
    [InlineData("foo(status,1)", "Unknown operator 'foo' at position 0")]
    [InlineData("rql=eq(status,\"Running\")", "not as a named parameter: rql= is not accepted")]
    [InlineData("eq(status)", "eq() at position 0 takes a field and a value; it has 1 argument")]
    [InlineData("and()", "and() at position 0 takes at least one expression")]
    [InlineData("eq(,1)", "an expression or value is missing at position 3")]
    [InlineData("eq(\"status\",1)", "The first argument of eq() at position 0 must be a field path (unquoted)")]
    [InlineData("status", "'status' at position 0 is a value, not an expression")]
    [InlineData("gt(revision,\"abc\")", "Cannot convert value 'abc' to a number, the type of 'revision'")]
    [InlineData("gt(created,\"yesterday\")", "Cannot convert value 'yesterday' to a date")]
    [InlineData("eq(flag,1)", "Cannot convert value '1' to a boolean")]
    [InlineData("eq(modules.id,\"MOD-1\")", "Invalid property path 'modules.id': 'modules' is a collection; filter its elements with any(modules,…)")]
    [InlineData("like(revision,\"3*\")", "'revision' is a number: like and ilike match text")]
    [InlineData("in(status,())", "The list of in() at position 0 is empty")]
    [InlineData("order=modules", "'modules' is a collection, which has no order")]
    [InlineData("order=-", "'' is not a field path")]
    public async Task A_query_the_platform_refuses_is_answered_with_400_problem_details_naming_the_problem(string query, string problem)
    {
        using var response = await GetAsync(query);
        var body = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, (int)body["status"]!);
        Assert.Contains(problem, (string)body["detail"]!, StringComparison.Ordinal);
        Assert.StartsWith("The query is not valid RQL: ", (string)body["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nesting_is_evaluated_to_64_levels_and_refused_beyond_so_no_query_exhausts_the_stack()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("not(", depth)) + "eq(status,\"Running\")" + new string(')', depth);

        Assert.Equal("A,E", await IdsAsync(Nested(62)));
        using var response = await GetAsync(Nested(64));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nests deeper than 64 levels", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Throws<TestServerQueryException>(() => TestServerRql.Parse(string.Concat(Enumerable.Repeat("(", 100_000)) + "eq(a,1)"));
    }

    [Fact]
    public async Task The_client_reports_a_refused_query_as_the_platforms_400_with_its_detail()
    {
        using var client = _server.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, RqlQuery.Where(Rql.Gt("revision", "abc"))))
            {
            }
        });

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("Cannot convert value 'abc'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugged_in_rule_decides_for_its_collection_and_the_server_decides_what_it_leaves()
    {
        // A case-insensitive collation for name equality; everything else evaluated by the server.
        _server.FilterWith(TestApi.InstancesPath, (item, filter) =>
            filter.StartsWith("eq(name,", StringComparison.Ordinal) ? string.Equals((string?)item["name"], filter[9..^2], StringComparison.OrdinalIgnoreCase) : null);

        Assert.Equal("A", await IdsAsync("eq(name,\"ALPHA\")"));
        Assert.Equal("A,E", await IdsAsync("eq(status,\"Running\")"));
        Assert.Equal(1, (int)(await PageAsync("eq(name,\"alpha\")&order=-name&limit=0"))["$meta"]!["pagination"]!["total"]!);
        // The rule sees the filter even where the server would refuse it.
        _server.FilterWith(TestApi.InstancesPath, (item, filter) => filter == "shiny()" ? (string?)item["id"] == "B" : null);
        Assert.Equal("B", await IdsAsync("shiny()"));

        _server.Reset();
        _server.AddExtensionInstances(TestApi.ExtensionId, Records.Select(r => MarketplaceJson.Deserialize<Instance>(r)!));
        Assert.Equal("", await IdsAsync("eq(name,\"ALPHA\")"));
    }
}
