using System;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Marketplace.Client.Serialization;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// What a write sends (issue 21, "Writes are safe"): a compact UTF-8 JSON body with only the properties that were set,
/// and whatever the client read and did not understand (an unknown status, free-form JSON, an unknown property)
/// going back exactly as read.
/// </summary>
public sealed class RequestBodyTests
{
    private static readonly OperationInfo Operation = new("UpdateInstance", "public/v1/integration/extensions/{extensionId}/instances/{instanceId}");

    private static async Task<(HttpRequestMessage Message, byte[] Bytes)> SendAsync(object body)
    {
        var request = new MarketplaceRequest(Operation, HttpMethod.Put, "public/v1/integration/extensions/EXT-1/instances/INS-1").WithJsonBody(body);
        var message = request.ToHttpRequestMessage();
        return (message, await message.Content!.ReadAsByteArrayAsync());
    }

    // Issue 35, item 4: a request body is optional unless the spec says "required": true (OpenAPI's default), and the
    // generated method then takes `Product? body = null`; null sends no body instead of throwing.
    [Fact]
    public void An_optional_body_left_null_sends_no_body()
    {
        var request = new MarketplaceRequest(Operation, HttpMethod.Post, "public/v1/integration/instances/INS-1/notify").WithJsonBody(null);

        using var message = request.ToHttpRequestMessage();

        Assert.False(request.HasBody);
        Assert.Null(message.Content);
    }

    [Fact]
    public async Task Only_the_properties_that_were_set_are_sent_compact_in_utf8()
    {
        var (message, bytes) = await SendAsync(new Instance { Name = "nœud-1", Status = InstanceStatus.Running });

        Assert.Equal("application/json", message.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", message.Content.Headers.ContentType.CharSet);
        Assert.Equal("{\"name\":\"nœud-1\",\"status\":\"Running\"}", Encoding.UTF8.GetString(bytes));
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"name\":\"nœud-1\",\"status\":\"Running\"}"), bytes.Length);
    }

    [Fact]
    public async Task A_property_set_to_null_is_sent_as_null_and_one_never_set_is_left_out()
    {
        var (_, bytes) = await SendAsync(new Instance { ExternalId = null });

        Assert.Equal("{\"externalId\":null}", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task What_was_read_and_not_understood_goes_back_exactly_as_read()
    {
        const string read = """{"id":"INS-1","status":"Hibernating","channel":{"identity":{"at":"2025-03-14T09:26:53Z","n":[1,2.50]}},"futureField":{"x":true}}""";
        var instance = MarketplaceJson.Deserialize<Instance>(read)!;
        Assert.Equal(InstanceStatusKind.Unknown, instance.Status!.Value.Kind);

        var (_, bytes) = await SendAsync(instance);

        Assert.True(JToken.DeepEquals(JToken.Parse(read), JToken.Parse(Encoding.UTF8.GetString(bytes))), Encoding.UTF8.GetString(bytes));
        Assert.Contains("\"2025-03-14T09:26:53Z\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_body_is_written_when_the_request_is_made_so_every_attempt_sends_the_same_bytes()
    {
        var instance = new Instance { Name = "before" };
        var request = new MarketplaceRequest(Operation, HttpMethod.Put, "x").WithJsonBody(instance);
        instance.Name = "after";

        var first = await request.ToHttpRequestMessage().Content!.ReadAsStringAsync();
        var second = await request.ToHttpRequestMessage().Content!.ReadAsStringAsync();

        Assert.Equal("{\"name\":\"before\"}", first);
        Assert.Equal(first, second);
        Assert.True(request.HasBody);
        Assert.Null(new MarketplaceRequest(Operation, HttpMethod.Delete, "x").ToHttpRequestMessage().Content);
    }
}
