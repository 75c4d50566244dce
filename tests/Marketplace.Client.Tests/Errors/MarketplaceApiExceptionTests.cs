using System;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Xunit;

namespace Marketplace.Client.Tests.Errors;

/// <summary>Every non-success response and every unreadable body is one documented exception with what the server said.</summary>
public class MarketplaceApiExceptionTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private async Task<MarketplaceApiException> FailAsync(string body, int status, string contentType = "application/problem+json")
    {
        _api.Serve(TestApi.InstancesPath, body, status, contentType);
        using var client = _api.CreateClient(o => o.Retry.Enabled = false);
        return await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
    }

    [Fact]
    public async Task Validation_errors_as_an_object_of_field_to_messages_are_flattened()
    {
        var error = await FailAsync("""
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.",
             "status":400,"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "errors":{"externalId":["must not be empty","must be unique"],"name":"is too long"}}
            """, 400);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("One or more validation errors occurred.", error.Title);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", error.Type);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", error.TraceId);
        Assert.Equal(
            new[] { ("externalId", "must not be empty"), ("externalId", "must be unique"), ("name", "is too long") },
            error.Errors.Select(e => (e.Field!, e.Message)));
        Assert.Equal(
            "Marketplace API: HTTP 400 (BadRequest). One or more validation errors occurred. externalId: must not be empty. " +
            "externalId: must be unique. name: is too long. Trace id: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.",
            error.Message);
    }

    [Fact]
    public async Task Validation_errors_as_an_array_of_id_message_properties_are_flattened()
    {
        var error = await FailAsync("""
            {"title":"Bad Request","status":400,"detail":"The request is invalid.","traceId":"abc",
             "errors":[{"id":"EXT001","message":"Either name or icon is required.","properties":["name","icon"]},
                       {"id":"EXT002","message":"Extension is archived.","properties":[]}]}
            """, 400);

        Assert.Equal("The request is invalid.", error.Detail);
        Assert.Equal(
            new[] { ("name", "Either name or icon is required.", "EXT001"), ("icon", "Either name or icon is required.", "EXT001"), ("(none)", "Extension is archived.", "EXT002") },
            error.Errors.Select(e => (e.Field ?? "(none)", e.Message, e.Code ?? "(none)")));
    }

    [Theory]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not Found")]
    [InlineData(500, "Internal Server Error")]
    public async Task Problem_details_of_any_status_are_read(int status, string title)
    {
        var error = await FailAsync($$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"traceId":"t-{{status}}"}""", status);

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(title, error.Title);
        Assert.Equal($"t-{status}", error.TraceId);
        Assert.Empty(error.Errors);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_html_page_keeps_the_status_and_a_bounded_excerpt()
    {
        var html = "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 10_000) + "</body></html>";

        var error = await FailAsync(html, 502, "text/html");

        Assert.Equal(502, error.StatusCode);
        Assert.Null(error.Title);
        Assert.StartsWith("<html><head><title>502 Bad Gateway</title>", error.ResponseExcerpt, StringComparison.Ordinal);
        Assert.Equal(MarketplaceApiException.MaxExcerptLength + 1, error.ResponseExcerpt!.Length);
        Assert.Contains("HTTP 502 (BadGateway)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Body (text/html): <html><head><title>502 Bad Gateway</title>", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 600, error.Message);
    }

    [Fact]
    public async Task A_success_with_malformed_json_is_the_same_exception_with_the_parse_error_inside()
    {
        var error = await FailAsync("""{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-1",""", 200, "application/json");

        Assert.Equal(200, error.StatusCode);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
        Assert.Contains("Could not deserialize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_with_an_empty_body_is_the_api_exception()
    {
        var error = await FailAsync("", 200, "application/json");

        Assert.Equal(200, error.StatusCode);
        Assert.Contains("Response was null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_echoed_by_the_server_is_redacted_everywhere()
    {
        var error = await FailAsync(
            $$"""{"title":"Token {{TestApi.Token}} is expired","detail":"Authorization: Bearer {{TestApi.Token}}","status":401}""", 401);

        Assert.DoesNotContain("s3cr3t-value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", error.ResponseExcerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Token *** is expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwts_and_api_tokens_are_redacted()
    {
        var jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJFWFQtMSJ9.c2lnbmF0dXJl";

        Assert.Equal("a *** b *** c Bearer ***", Secrets.Redact($"a {jwt} b idt:TKN-1111-2222:abc c Bearer xyz"));
    }
}
