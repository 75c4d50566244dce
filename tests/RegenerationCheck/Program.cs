// Operations that only new fragments describe, named by rule (one overridden by the overlay), driven end to end. A list: 250 items
// in 3 pages over WireMock, with an RQL filter that must reach every page request, and the same collection seeded in
// Marketplace.Client.Testing's server (AddInstances, generated) and read paged and streamed. Writes (fragments/
// instance-writes.json): POST 201, GET by id, PUT, DELETE 204, an action answering 204 and one with a body, through the
// class and the interface, with what each sends checked on the wire, a POST answered 503 sent exactly once, one
// answered 429 sent again, 404/409 read as problem details, a multipart upload (JSON part + file part) and a download
// three times MaxResponseBytes. Exit code 0 only if everything holds.
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
    // Every third one Running: the server evaluates the filter, so only those come back, in the order asked for.
    testServer.AddInstances(Enumerable.Range(0, Total).Reverse().Select(i => new Instance
    {
        Id = $"INS-0000-0000-0000-{i:D4}",
        Status = i % 3 == 0 ? InstanceStatus.Running : new InstanceStatus("Disconnected"),
    }));
    var running = Enumerable.Range(0, Total).Where(i => i % 3 == 0).Select(i => $"INS-0000-0000-0000-{i:D4}").ToList();
    using var seededClient = testServer.CreateClient();
    var seeded = new List<string?>();
    await foreach (var instance in seededClient.ListAllInstancesAsync(query)) seeded.Add(instance.Id);
    var streamed = new List<string?>();
    await foreach (var instance in seededClient.StreamAllInstancesAsync(query)) streamed.Add(instance.Id);
    if (!seeded.SequenceEqual(running) || !streamed.SequenceEqual(running))
        failures.Add($"MarketplaceTestServer.AddInstances: {seeded.Count} paged and {streamed.Count} streamed, expected the {running.Count} Running ones in ID order each");
    if (testServer.Requests.Any(r => r.Path != Path || r.Filter != "eq(status,\"Running\")")) failures.Add("the test server saw a request for another path or without the filter");
}

// Path parameters that are not C# identifiers or not strings, or that share a name with the surface's own parameters
// ({thing-id}, an integer {version}, {query}, {options} and a {limit} segment beside the limit query parameter): the
// client's methods and the test server's AddThingInstances take them all, under the same names, and the server
// answers at the path the client sends.
await using (var testServer = Marketplace.Client.Testing.MarketplaceTestServer.Start())
{
    const string thing = "THG 1/ä";
    testServer.AddThingInstances(thing, 3, "q", "o", "5", Enumerable.Range(0, 120).Select(i => new Instance { Id = $"INS-0000-0000-1111-{i:D4}" }));
    using var seededClient = testServer.CreateClient();
    var paged = 0;
    await foreach (var _ in seededClient.ListAllThingInstancesAsync(thing, 3, "q", "o", "5")) paged++;
    var streamed = 0;
    await foreach (var _ in seededClient.StreamAllThingInstancesAsync(thing, 3, "q", "o", "5")) streamed++;
    if (paged != 120 || streamed != 120) failures.Add($"AddThingInstances: {paged} paged and {streamed} streamed, expected 120 each");
    const string expected = "/public/v1/integration/things/THG 1/ä/versions/3/searches/q/o/pages/5/instances";
    foreach (var request in testServer.Requests.Where(r => r.Path != expected && !r.Path.StartsWith("/public/v1/integration/instances/", StringComparison.Ordinal)))
        failures.Add($"AddThingInstances: a request to {request.Path}, not {expected}");
    // The write fragment reads, replaces and deletes an instance at /integration/instances/{id}: the seeded items answer there.
    var one = await seededClient.GetInstanceAsync("INS-0000-0000-1111-0005");
    if (one.Id != "INS-0000-0000-1111-0005") failures.Add($"GetInstanceAsync on the test server read {one.Id}");
    await seededClient.DeleteInstanceAsync("INS-0000-0000-1111-0006");
    var left = 0;
    await foreach (var _ in seededClient.ListAllThingInstancesAsync(thing, 3, "q", "o", "5")) left++;
    if (left != 119) failures.Add($"DeleteInstanceAsync on the test server left {left} of 120 items, not 119");
    try
    {
        await seededClient.ListThingInstancesAsync(thing, 4, "q", "o", "5");
        failures.Add("AddThingInstances: version 4 was answered though only version 3 was seeded");
    }
    catch (MarketplaceApiException ex) when (ex.StatusCode == 404)
    {
    }
}

await Writes.CheckAsync(failures);

Console.WriteLine($"ListAllInstancesAsync: {ids.Count} items in {sent.Count(q => q.Contains("limit=100", StringComparison.Ordinal))} pages; requests: {string.Join(" ", sent)}");
foreach (var failure in failures) Console.Error.WriteLine("FAIL: " + failure);
return failures.Count == 0 ? 0 : 1;

internal static class Writes
{
    private const string Collection = "/public/v1/integration/instances";

    // What GET answers: a status this client does not know, free-form JSON and a property it has no model for.
    private const string Read = """{"id":"INS-1","name":"node-1","status":"Hibernating","channel":{"identity":{"at":"2025-03-14T09:26:53Z"}},"futureField":[1,2]}""";

    public static async Task CheckAsync(List<string> failures)
    {
        using var server = WireMockServer.Start();
        void Answer(string method, string path, int status, string? body = null, string? bodyContains = null, string? retryAfter = null)
        {
            var request = Request.Create().WithPath(path).UsingMethod(method);
            if (bodyContains is not null) request = request.WithBody(new WireMock.Matchers.WildcardMatcher("*" + bodyContains + "*"));
            var response = Response.Create().WithStatusCode(status);
            if (body is not null) response = response.WithHeader("Content-Type", status >= 400 ? "application/problem+json" : "application/json").WithBody(body);
            if (retryAfter is not null) response = response.WithHeader("Retry-After", retryAfter);
            server.Given(request).RespondWith(response);
        }
        string Problem(int status, string title, string detail) => new JObject { ["type"] = "https://tools.ietf.org/html/rfc9110", ["title"] = title, ["status"] = status, ["detail"] = detail }.ToString();

        Answer("GET", Collection + "/INS-1", 200, Read);
        Answer("GET", Collection + "/INS-404", 404, Problem(404, "Not Found", "Instance INS-404 does not exist."));
        Answer("PUT", Collection + "/INS-1", 200, Read);
        Answer("PUT", Collection + "/INS-409", 409, Problem(409, "Conflict", "The instance was changed by someone else."));
        Answer("POST", Collection, 201, """{"id":"INS-2","name":"node-2"}""", bodyContains: "node-2");
        Answer("POST", Collection, 503, Problem(503, "Service Unavailable", "Try later."), bodyContains: "node-503");
        server.Given(Request.Create().WithPath(Collection).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*node-429*")))
            .InScenario("throttled").WillSetStateTo("let through")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/problem+json").WithBody(Problem(429, "Too Many Requests", "Slow down.")));
        server.Given(Request.Create().WithPath(Collection).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*node-429*")))
            .InScenario("throttled").WhenStateIs("let through")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"id":"INS-3","name":"node-429"}"""));
        Answer("DELETE", Collection + "/INS-1", 204);
        Answer("POST", Collection + "/INS-1/disconnect", 204);
        Answer("POST", Collection + "/INS-1/notify", 204);
        Answer("POST", Collection + "/INS-1/rename", 200, """{"id":"INS-1","name":"renamed"}""");
        Answer("POST", Collection + "/INS-1/attachments", 201, """{"id":"ATT-1","name":"contract"}""");
        Answer("POST", Collection + "/INS-409/attachments", 409, Problem(409, "Conflict", "An attachment of that name exists."));
        // A file three times the client's MaxResponseBytes: a download is not capped (nor buffered).
        var file = new byte[3 * 1024 * 1024];
        new Random(21).NextBytes(file);
        server.Given(Request.Create().WithPath(Collection + "/INS-1/attachments/ATT-1").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "application/pdf").WithHeader("Content-Disposition", "attachment; filename=\"contract.pdf\"").WithBody(file));
        Answer("GET", Collection + "/INS-1/attachments/ATT-404", 404, Problem(404, "Not Found", "Attachment ATT-404 does not exist."));
        // A PUT the spec documents with 200 and 204: both are successes.
        Answer("PUT", Collection + "/INS-1/attachments/ATT-1", 200, """{"id":"ATT-1","name":"renamed","type":"contract","@type":"schema:DigitalDocument"}""");
        Answer("PUT", Collection + "/INS-1/attachments/ATT-2", 204);

        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = new Uri(server.Url! + "/"),
            Token = "idt:TKN-1234-5678:regeneration-check",
            Retry = { BaseDelay = TimeSpan.FromMilliseconds(10) },
            MaxResponseBytes = 1024 * 1024,
        });
        IMarketplaceClient contract = client;

        var instance = await client.GetInstanceAsync("INS-1");
        if (instance.Id != "INS-1" || instance.Status?.Kind != InstanceStatusKind.Unknown) failures.Add($"GetInstanceAsync read {instance.Id} / {instance.Status}");
        await contract.UpdateInstanceAsync("INS-1", instance);
        var created = await contract.CreateInstanceAsync(new Instance { Name = "node-2" });
        if (created.Id != "INS-2") failures.Add($"CreateInstanceAsync (201) read {created.Id}");
        await client.DeleteInstanceAsync("INS-1");
        await contract.DisconnectInstanceAsync("INS-1");
        // A request body the spec does not mark required (OpenAPI's default) is optional: left out, none is sent.
        await contract.NotifyInstanceAsync("INS-1");
        await client.NotifyInstanceAsync("INS-1", new Instance { Name = "notified" });
        var renamed = await contract.RenameInstanceAsync("INS-1", new Instance { Name = "renamed" });
        if (renamed.Name != "renamed") failures.Add($"RenameInstanceAsync read {renamed.Name}");
        var throttled = await client.CreateInstanceAsync(new Instance { Name = "node-429" });
        if (throttled.Id != "INS-3") failures.Add($"a POST answered 429 then 201 read {throttled.Id}");

        var upload = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7 regeneration check");
        using (var stream = new System.IO.MemoryStream(upload))
        {
            var attachment = await contract.CreateInstanceAttachmentAsync("INS-1", new InstanceAttachment { Name = "contract" }, new MarketplaceFile(stream, "contract.pdf", "application/pdf"));
            if (attachment.Id != "ATT-1") failures.Add($"CreateInstanceAttachmentAsync (multipart, 201) read {attachment.Id}");
            if (!stream.CanRead) failures.Add("the upload disposed the caller's stream");
        }
        using (var download = await contract.DownloadInstanceAttachmentAsync("INS-1", "ATT-1"))
        {
            var copy = new System.IO.MemoryStream();
            await download.CopyToAsync(copy);
            if (!copy.ToArray().AsSpan().SequenceEqual(file)) failures.Add($"DownloadInstanceAttachmentAsync delivered {copy.Length} bytes, not the {file.Length} sent");
            if (download.FileName != "contract.pdf" || download.ContentType != "application/pdf") failures.Add($"the download is '{download.FileName}' ({download.ContentType})");
        }
        var updated = await contract.UpdateInstanceAttachmentAsync("INS-1", "ATT-1", new InstanceAttachment { Name = "renamed" });
        if (updated?.Name != "renamed") failures.Add($"UpdateInstanceAttachmentAsync (200) read {updated?.Name ?? "null"}");
        // "type" and "@type" on one schema: Type and AtType (a rule of the merge step), each read from its own JSON name.
        if (updated?.Type != "contract" || updated.AtType != "schema:DigitalDocument") failures.Add($"type/@type read as {updated?.Type} / {updated?.AtType}");
        try
        {
            var noContent = await client.UpdateInstanceAttachmentAsync("INS-1", "ATT-2", new InstanceAttachment { Name = "renamed" });
            if (noContent is not null) failures.Add("UpdateInstanceAttachmentAsync answered 204 returned a model");
        }
        catch (Exception e)
        {
            failures.Add($"UpdateInstanceAttachmentAsync answered 204 (documented) threw {e.GetType().Name}: {e.Message}");
        }
        // Schema defaults read as the schema says but are not sent unless set: a PUT must not reset the server's values.
        var fresh = new InstanceAttachment { Name = "contract" };
        if (fresh.Visibility != "Private" || fresh.Notify != true) failures.Add($"the schema defaults do not read as the schema says: {fresh.Visibility} {fresh.Notify}");
        await Expect(failures, "an upload that conflicts", 409, "An attachment of that name exists.", () => client.CreateInstanceAttachmentAsync("INS-409", new InstanceAttachment { Name = "x" }, new MarketplaceFile(new System.IO.MemoryStream(upload), "x.pdf")));
        await Expect(failures, "a download of an unknown ID", 404, "Attachment ATT-404 does not exist.", () => client.DownloadInstanceAttachmentAsync("INS-1", "ATT-404"));
        await Expect(failures, "a POST answered 503", 503, null, () => client.CreateInstanceAsync(new Instance { Name = "node-503" }));
        await Expect(failures, "a GET of an unknown ID", 404, "Instance INS-404 does not exist.", () => contract.GetInstanceAsync("INS-404"));
        await Expect(failures, "a PUT that conflicts", 409, "The instance was changed by someone else.", () => client.UpdateInstanceAsync("INS-409", new Instance { Name = "x" }));
        try
        {
            await client.DeleteInstanceAsync("..");
            failures.Add("DeleteInstanceAsync(\"..\") was sent");
        }
        catch (ArgumentException)
        {
        }

        var log = server.LogEntries.Select(e => e.RequestMessage!).ToList();
        int Sent(string method, string path, string? bodyContains = null) =>
            log.Count(r => r.Method == method && r.Path == path && (bodyContains is null || (r.Body ?? "").Contains(bodyContains, StringComparison.Ordinal)));
        if (Sent("POST", Collection, "node-503") != 1) failures.Add($"a POST answered 503 was sent {Sent("POST", Collection, "node-503")} times, not once");
        if (Sent("POST", Collection, "node-429") != 2) failures.Add($"a POST answered 429 was sent {Sent("POST", Collection, "node-429")} times, not twice");
        foreach (var (method, path) in new[] { ("DELETE", Collection + "/INS-1"), ("POST", Collection + "/INS-1/disconnect"), ("POST", Collection + "/INS-1/rename") })
            if (Sent(method, path) != 1) failures.Add($"{method} {path} was sent {Sent(method, path)} times");

        var put = log.First(r => r.Method == "PUT" && r.Path == Collection + "/INS-1");
        if (!JToken.DeepEquals(JToken.Parse(Read), JToken.Parse(put.Body ?? "null"))) failures.Add("the PUT did not send back exactly what GET read: " + put.Body);
        var post = log.First(r => r.Method == "POST" && (r.Body ?? "").Contains("node-2", StringComparison.Ordinal));
        if (post.Body != """{"name":"node-2"}""") failures.Add("the POST body is not the compact JSON of what was set: " + post.Body);
        if (!(post.Headers?["Content-Type"].FirstOrDefault() ?? "").StartsWith("application/json", StringComparison.Ordinal)) failures.Add("the POST body is not sent as application/json");
        if (log.Any(r => r.Method is "DELETE" && r.Body is { Length: > 0 })) failures.Add("a DELETE carried a body");
        var multipart = log.First(r => r.Method == "POST" && r.Path == Collection + "/INS-1/attachments");
        var sentBody = System.Text.Encoding.UTF8.GetString(multipart.BodyAsBytes ?? Array.Empty<byte>());
        if (!(multipart.Headers?["Content-Type"].FirstOrDefault() ?? "").StartsWith("multipart/form-data; boundary=", StringComparison.Ordinal)
            || !sentBody.Contains("name=\"attachment\"", StringComparison.Ordinal) || !sentBody.Contains("""{"name":"contract"}""", StringComparison.Ordinal)
            || !sentBody.Contains("name=\"file\"; filename=\"contract.pdf\"", StringComparison.Ordinal) || !sentBody.Contains("%PDF-1.7 regeneration check", StringComparison.Ordinal))
            failures.Add("the upload is not a JSON part and a file part: " + sentBody);
        var notifications = log.Where(r => r.Method == "POST" && r.Path == Collection + "/INS-1/notify").Select(r => r.Body ?? "").ToList();
        if (notifications.Count != 2 || notifications[0].Length != 0 || notifications[1] != """{"name":"notified"}""")
            failures.Add("NotifyInstanceAsync (optional body) sent: " + string.Join(" | ", notifications));
        var put204 = log.First(r => r.Method == "PUT" && r.Path == Collection + "/INS-1/attachments/ATT-2");
        if (put204.Body != """{"name":"renamed"}""") failures.Add("a PUT sent schema defaults nobody set: " + put204.Body);
        if (!sentBody.Contains("""{"name":"contract"}""" + "\r\n", StringComparison.Ordinal)) failures.Add("the upload's JSON part carries more than was set: " + sentBody);
        Console.WriteLine($"writes: {log.Count} requests: {string.Join(" ", log.Select(r => r.Method + " " + r.Path))}");
    }

    private static async Task Expect(List<string> failures, string what, int status, string? detail, Func<Task> call)
    {
        try
        {
            await call();
            failures.Add(what + " did not throw");
        }
        catch (MarketplaceApiException e) when (e.StatusCode == status && (detail is null || e.Detail == detail))
        {
        }
        catch (Exception e)
        {
            failures.Add($"{what} threw {e.GetType().Name}: {e.Message}");
        }
    }
}
