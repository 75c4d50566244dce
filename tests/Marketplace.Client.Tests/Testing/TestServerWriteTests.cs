using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Marketplace.Client.Query;
using Marketplace.Client.Testing;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// The test server answers writes on every seeded collection by the platform's rules (../shared/API-FACTS.md, "Write
/// operations"): POST to the collection creates (201, a new ID in the platform's shape), GET/PUT/DELETE at
/// <c>/{id}</c> read, replace the given fields, delete (204), an unknown ID is a platform-shaped 404, and
/// <see cref="MarketplaceTestServer.Requests"/> shows each write's method and body with the token masked. Requests are
/// sent through the real client's pipeline, built as generated write methods build them (the seeds have none).
/// </summary>
public sealed class TestServerWriteTests : IAsyncLifetime
{
    private static readonly OperationInfo Operation = new("InstanceWrite", "public/v1/integration/extensions/{extensionId}/instances/{instanceId}");
    private static readonly string Collection = TestApi.InstancesPath.TrimStart('/');
    private MarketplaceTestServer _server = null!;
    private MarketplaceClient _client = null!;

    public Task InitializeAsync()
    {
        _server = MarketplaceTestServer.Start();
        _server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(3));
        _client = _server.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private Task<Instance> Send(HttpMethod method, string path, object? body = null)
    {
        var request = new MarketplaceRequest(Operation, method, path);
        return _client.SendAsync<Instance, Instance>(body is null ? request : request.WithJsonBody(body), default);
    }

    private async Task<List<Instance>> All()
    {
        var all = new List<Instance>();
        await foreach (var instance in _client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) all.Add(instance);
        return all;
    }

    [Fact]
    public async Task A_post_to_a_seeded_collection_creates_the_item_with_a_new_id_in_the_platforms_shape()
    {
        var created = await Send(HttpMethod.Post, Collection, new Instance { Name = "node-new", Status = new InstanceStatus("Provisioning") });

        Assert.Matches(new Regex("^INS-\\d{4}-\\d{4}-\\d{4}-\\d{4}$"), created.Id);
        Assert.DoesNotContain(created.Id, TestApi.Instances(3).Select(i => i.Id));
        Assert.Equal("node-new", created.Name);
        Assert.Equal("Provisioning", created.Status.ToString());
        var read = await Send(HttpMethod.Get, Collection + "/" + created.Id);
        Assert.Equal("node-new", read.Name);
        Assert.Equal(4, (await All()).Count);
        var post = _server.Requests.Single(r => r.Method == "POST");
        Assert.Equal(201, post.StatusCode);
        Assert.Equal("""{"name":"node-new","status":"Provisioning"}""", post.Body);
    }

    [Fact]
    public async Task A_filtered_and_sorted_list_after_each_write_shows_the_write()
    {
        // The server reads a field of every record once per snapshot; each write must start a new one.
        var running = RqlQuery.Where(Rql.Eq(InstanceFields.Status, "Running")).OrderByDescending(InstanceFields.Name);
        async Task<string> RunningAsync()
        {
            var ids = new List<string?>();
            await foreach (var instance in _client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, running)) ids.Add(instance.Name);
            return string.Join(",", ids);
        }

        Assert.Equal("node-0", await RunningAsync());
        var created = await Send(HttpMethod.Post, Collection, new Instance { Name = "node-9", Status = InstanceStatus.Running });
        Assert.Equal("node-9,node-0", await RunningAsync());
        await Send(HttpMethod.Put, Collection + "/" + TestApi.Instances(3)[1].Id, new Instance { Status = InstanceStatus.Running });
        Assert.Equal("node-9,node-1,node-0", await RunningAsync());
        await Send(HttpMethod.Put, Collection + "/" + created.Id, new Instance { Name = "node-10" });
        Assert.Equal("node-10,node-1,node-0", await RunningAsync()); // ordinal: "node-1" is a prefix of "node-10"
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, Collection + "/" + TestApi.Instances(3)[0].Id))
        {
            using var http = new HttpClient { BaseAddress = _server.BaseUri };
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MarketplaceTestServer.Token);
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete)).StatusCode);
        }
        Assert.Equal("node-10,node-1", await RunningAsync());
        _server.AddExtensionInstances(TestApi.ExtensionId, new[] { new Instance { Id = "INS-0000-0000-0000-0099", Name = "node-2a", Status = InstanceStatus.Running } });
        Assert.Equal("node-2a,node-10,node-1", await RunningAsync());
    }

    [Fact]
    public async Task Two_creates_get_two_ids_and_an_id_in_the_body_is_the_servers_to_give()
    {
        var first = await Send(HttpMethod.Post, Collection, new Instance { Id = "INS-6587-4477-5207-0000", Name = "a" });
        var second = await Send(HttpMethod.Post, Collection, new Instance { Name = "b" });

        Assert.NotEqual("INS-6587-4477-5207-0000", first.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(5, (await All()).Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_put_replaces_the_given_fields_and_keeps_the_rest_and_the_id()
    {
        var id = TestApi.Instances(3)[1].Id!;

        var updated = await Send(HttpMethod.Put, Collection + "/" + id, new Instance { Id = "INS-ELSEWHERE", Name = "renamed" });

        Assert.Equal(id, updated.Id);
        Assert.Equal("renamed", updated.Name);
        Assert.Equal("Suspended", updated.Status.ToString()); // not given, kept as seeded
        Assert.Equal("renamed", (await All()).Single(i => i.Id == id).Name);
        Assert.Equal(200, _server.Requests.Single(r => r.Method == "PUT").StatusCode);
    }

    [Fact]
    public async Task A_delete_answers_204_and_the_item_is_gone_from_reads_and_lists()
    {
        var id = TestApi.Instances(3)[0].Id!;

        await _client.SendAsync(new MarketplaceRequest(Operation, HttpMethod.Delete, Collection + "/" + id), default);

        Assert.Equal(204, _server.Requests.Single(r => r.Method == "DELETE").StatusCode);
        Assert.Null(_server.Requests.Single(r => r.Method == "DELETE").Body);
        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => Send(HttpMethod.Get, Collection + "/" + id));
        Assert.Equal(404, error.StatusCode);
        Assert.Equal(2, (await All()).Count);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task An_unknown_id_is_a_platform_shaped_404_naming_it(string method)
    {
        var request = new MarketplaceRequest(Operation, new HttpMethod(method), Collection + "/INS-0000-0000-0000-9999");
        if (method == "PUT") request = request.WithJsonBody(new Instance { Name = "x" });

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => _client.SendAsync(request, default));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("Not Found", error.Title);
        Assert.Equal("The instance 'INS-0000-0000-0000-9999' was not found.", error.Detail);
        Assert.NotNull(error.TraceId);
    }

    [Fact]
    public async Task A_write_without_a_json_object_or_without_a_token_is_refused_as_the_platform_refuses_it()
    {
        using var raw = new HttpClient { BaseAddress = _server.BaseUri };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1111-1111:raw");
        using var notJson = await raw.PostAsync(Collection, new StringContent("[1,2]", Encoding.UTF8, "application/json"));
        raw.DefaultRequestHeaders.Authorization = null;
        using var anonymous = await raw.PostAsync(Collection, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(3, (await All()).Count);
    }

    // Issue 36, item 8: the body was parsed with Newtonsoft's defaults, so "…53.000Z" came back "…53Z", "+01:00" came back
    // in the machine's zone and a long number lost digits. The platform stores what it is sent.
    [Fact]
    public async Task A_written_body_is_stored_and_served_exactly_as_sent()
    {
        const string Fields = "\"note\":\"2025-03-14T09:26:53.000Z\",\"local\":\"2025-03-14T10:26:53.000+01:00\",\"day\":\"2025-03-14\",\"price\":12345678.123456789012";
        using var raw = new HttpClient { BaseAddress = _server.BaseUri };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1111-1111:raw");

        using var created = await raw.PostAsync(Collection, new StringContent("{\"name\":\"kept\"," + Fields + "}", Encoding.UTF8, "application/json"));
        var createdText = await created.Content.ReadAsStringAsync();
        var id = (string)JObject.Parse(createdText)["id"]!;
        using var updated = await raw.PutAsync(Collection + "/" + id, new StringContent("{\"later\":\"2025-06-02T17:05:11.480+02:00\",\"big\":1e30}", Encoding.UTF8, "application/json"));
        var read = await raw.GetStringAsync(Collection + "/" + id);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(Fields, createdText, StringComparison.Ordinal);
        Assert.Contains(Fields, read, StringComparison.Ordinal);
        Assert.Contains("\"later\":\"2025-06-02T17:05:11.480+02:00\"", read, StringComparison.Ordinal);
        Assert.Equal(1e30, (double)JObject.Parse(read)["big"]!); // beyond a decimal: kept as a double, spelled 1E+30
    }

    // Issue 36, item 8: the spec reads, replaces and deletes an instance at /integration/instances/{id}, not under the
    // extension's list path; a seeded item must answer there too (the generated Add… methods pass the spec's item routes).
    [Fact]
    public async Task A_seeded_item_answers_at_the_specs_own_item_path_too()
    {
        const string Routes = "GET public/v1/integration/instances/{instanceId}\nPUT public/v1/integration/instances/{instanceId}\nDELETE public/v1/integration/instances/{instanceId}";
        var seeded = TestApi.Instances(2).Select(i => { i.Id = i.Id!.Replace("INS-", "INS-7", StringComparison.Ordinal); return i; }).ToList();
        _server.AddItems(MarketplaceClient.ListExtensionInstancesOperation, new object?[] { "EXT-2222-2222-2222" }, seeded, Routes);
        using var raw = new HttpClient { BaseAddress = _server.BaseUri };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1111-1111:raw");
        var first = "public/v1/integration/instances/" + seeded[0].Id;
        var second = "public/v1/integration/instances/" + seeded[1].Id;

        var read = JObject.Parse(await raw.GetStringAsync(first));
        using var replaced = await raw.PutAsync(first, new StringContent("{\"name\":\"moved\"}", Encoding.UTF8, "application/json"));
        using var deleted = await raw.DeleteAsync(second);
        using var unknown = await raw.GetAsync("public/v1/integration/instances/INS-0000-0000-0000-4040");
        using var notARoute = await raw.PostAsync(first, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(seeded[0].Id, (string)read["id"]!);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("The instance 'INS-0000-0000-0000-4040' was not found.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notARoute.StatusCode);
        var listed = new List<Instance>();
        await foreach (var instance in _client.ListAllExtensionInstancesAsync("EXT-2222-2222-2222")) listed.Add(instance);
        Assert.Equal(new (string?, string?)[] { (seeded[0].Id, "moved") }, listed.Select(i => (i.Id, i.Name)));
        Assert.Equal(3, (await All()).Count); // the other extension's instances are untouched
    }

    [Fact]
    public async Task The_token_is_masked_in_a_body_that_carries_it()
    {
        await Send(HttpMethod.Post, Collection, new Instance { Name = MarketplaceTestServer.Token });

        var post = _server.Requests.Single(r => r.Method == "POST");
        Assert.DoesNotContain(MarketplaceTestServer.Token, post.Body, StringComparison.Ordinal);
        Assert.Equal("""{"name":"***"}""", post.Body);
        Assert.Equal("Bearer ***", post.Headers["Authorization"].Single());
    }

    [Fact]
    public async Task An_action_is_not_known_to_the_server_and_is_answered_through_the_wiremock_escape_hatch()
    {
        var id = TestApi.Instances(3)[0].Id!;
        var action = new MarketplaceRequest(Operation, HttpMethod.Post, Collection + "/" + id + "/disconnect");

        var unknown = await Assert.ThrowsAsync<MarketplaceApiException>(() => _client.SendAsync(action, default));
        _server.WireMockServer.Given(Request.Create().WithPath("/" + Collection + "/" + id + "/disconnect").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(204));
        await _client.SendAsync(action, default);

        Assert.Equal(404, unknown.StatusCode);
        Assert.Contains("Nothing is seeded or recorded", unknown.Detail, StringComparison.Ordinal);
        Assert.Equal(new int?[] { 404, 204 }, _server.Requests.Where(r => r.Path.EndsWith("/disconnect", StringComparison.Ordinal)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_write_cut_off_after_the_server_acted_is_carried_out_and_not_sent_again()
    {
        _server.CutOffNext();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Send(HttpMethod.Post, Collection, new Instance { Name = "maybe" }));

        Assert.Single(_server.Requests, r => r.Method == "POST");
        Assert.Contains(await All(), i => i.Name == "maybe");
    }

    [Fact]
    public async Task An_empty_seeded_collection_takes_creates_with_ids_from_its_name()
    {
        _server.AddInstallations(TestApi.ExtensionId, Array.Empty<Installation>());
        var request = new MarketplaceRequest(Operation, HttpMethod.Post, TestApi.InstallationsPath.TrimStart('/')).WithJsonBody(new Installation());

        var created = await _client.SendAsync<Installation, Installation>(request, default);

        // Nothing seeded to copy the shape from: three letters of the collection's name and three groups of four digits.
        Assert.Matches(new Regex("^INS-\\d{4}-\\d{4}-\\d{4}$"), created.Id);
        Assert.Equal(201, _server.Requests.Last().StatusCode);
    }
}
