// A list operation that only a new fragment and one overlay naming action describe, driven end to end: 250 items in
// 3 pages over WireMock, with an RQL filter that must reach every page request, and the same collection seeded in
// Marketplace.Client.Testing's server (AddInstances, generated) and read paged and streamed. Exit code 0 only if everything holds.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client;
using Marketplace.Client.Query;
using Newtonsoft.Json.Linq;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

const int Total = 250;
const string Path = "/public/v1/integration/instances";
var queries = new ConcurrentQueue<string>();

using var server = WireMockServer.Start();
server.Given(Request.Create().WithPath(Path).UsingGet()).RespondWith(Response.Create().WithCallback(request =>
{
    queries.Enqueue(request.RawQuery ?? "");
    var limit = int.Parse(request.Query!["limit"].Single());
    var offset = int.Parse(request.Query!["offset"].Single());
    var page = Enumerable.Range(offset, Math.Max(0, Math.Min(limit, Total - offset)))
        .Select(i => new JObject { ["id"] = $"INS-0000-0000-0000-{i:D4}", ["status"] = "Running" });
    var body = new JObject
    {
        ["$meta"] = new JObject { ["pagination"] = new JObject { ["offset"] = offset, ["limit"] = limit, ["total"] = Total } },
        ["data"] = new JArray(page),
    };
    return new ResponseMessage
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body.ToString(), DetectedBodyType = BodyType.String },
    };
}));

using var client = new MarketplaceClient(new MarketplaceClientOptions
{
    BaseUri = new Uri(server.Url! + "/"),
    Token = "idt:TKN-1234-5678:regeneration-check",
});
IMarketplaceClient contract = client;
var query = RqlQuery.Where(Rql.Eq("status", "Running")).OrderBy("id");

var ids = new List<string?>();
await foreach (Instance instance in contract.ListAllInstancesAsync(query))
    ids.Add(instance.Id);
InstanceListResponse first = await client.ListInstancesAsync(query, limit: 10, offset: 0);
int? counted = await client.ListAllInstancesAsync(query).GetTotalCountAsync();

var failures = new List<string>();
if (ids.Count != Total || ids.Distinct().Count() != Total) failures.Add($"ListAllInstancesAsync gave {ids.Count} items ({ids.Distinct().Count()} distinct), expected {Total}");
if (first.Data?.Count != 10) failures.Add($"ListInstancesAsync(limit: 10) gave {first.Data?.Count} items");
if (counted != Total) failures.Add($"GetTotalCountAsync gave {counted}");
var sent = queries.ToList();
if (sent.Count != 5) failures.Add($"expected 5 requests (3 pages, one page call, one count), saw {sent.Count}: {string.Join(" ", sent)}");
foreach (var raw in sent.Where(q => !q.Contains("eq(status,%22Running%22)&order=id", StringComparison.Ordinal)))
    failures.Add($"a request without the RQL filter: {raw}");

// The Testing package gets the new collection by generation too: AddInstances seeds it, and the server pages and streams it.
await using (var testServer = Marketplace.Client.Testing.MarketplaceTestServer.Start())
{
    testServer.AddInstances(Enumerable.Range(0, Total).Select(i => new Instance { Id = $"INS-0000-0000-0000-{i:D4}" }));
    using var seededClient = testServer.CreateClient();
    var seeded = 0;
    await foreach (var _ in seededClient.ListAllInstancesAsync(query)) seeded++;
    var streamed = 0;
    await foreach (var _ in seededClient.StreamAllInstancesAsync(query)) streamed++;
    if (seeded != Total || streamed != Total) failures.Add($"MarketplaceTestServer.AddInstances: {seeded} paged and {streamed} streamed, expected {Total} each");
    if (testServer.Requests.Any(r => r.Path != Path || r.Filter != "eq(status,\"Running\")")) failures.Add("the test server saw a request for another path or without the filter");
}

Console.WriteLine($"ListAllInstancesAsync: {ids.Count} items in {sent.Count(q => q.Contains("limit=100", StringComparison.Ordinal))} pages; requests: {string.Join(" ", sent)}");
foreach (var failure in failures) Console.Error.WriteLine("FAIL: " + failure);
return failures.Count == 0 ? 0 : 1;
