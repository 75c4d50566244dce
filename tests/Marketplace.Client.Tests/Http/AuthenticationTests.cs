using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Marketplace.Client.Tests.Http;

public class AuthenticationTests : IDisposable
{

    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Every_request_carries_the_bearer_token_and_the_user_agent()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        using var client = _api.CreateClient();

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        var request = _api.WireMock.LogEntries.Single().RequestMessage!;
        Assert.Equal("Bearer " + TestApi.Token, request.Headers!["Authorization"].Single());
        Assert.StartsWith("Marketplace.Client/", request.Headers["User-Agent"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_token_fails_before_anything_is_sent()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _api.CreateClient(o => o.Token = null));

        Assert.Equal("No Marketplace API token: set MarketplaceClientOptions.Token, the MPT_API_TOKEN environment variable, or a TokenProvider.", error.Message);
        Assert.Empty(_api.WireMock.LogEntries);
    }

    [Theory]
    [InlineData("idt:TKN-1234-5678:…")]
    [InlineData("idt:TKN-1234-5678:abc\r\nX-Injected: 1")]
    [InlineData("idt:TKN-1234-5678: spaced")]
    public void A_token_that_cannot_be_a_header_value_fails_before_anything_is_sent(string token)
    {
        var error = Assert.Throws<InvalidOperationException>(() => _api.CreateClient(o => o.Token = token));

        Assert.Contains("cannot go into an HTTP header", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234-5678", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.WireMock.LogEntries);
    }

    [Theory]
    [InlineData("http://api.platform.softwareone.com/")]
    [InlineData("ftp://127.0.0.1/")]
    public void A_base_uri_that_would_send_the_token_in_clear_text_is_refused(string uri)
    {
        var error = Assert.Throws<InvalidOperationException>(() => _api.CreateClient(o => o.BaseUri = new Uri(uri)));

        Assert.Contains("must be an absolute https URI", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_never_show_the_token()
    {
        var options = new MarketplaceClientOptions { Token = TestApi.Token };

        Assert.DoesNotContain("s3cr3t", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("Token=***", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_id_stays_one_percent_encoded_path_segment()
    {
        using var client = _api.CreateClient(o => o.Retry.Enabled = false);

        await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync("../x?y=1#z"));

        var request = _api.WireMock.LogEntries.Single().RequestMessage!;
        var segments = new Uri(request.Url).AbsolutePath.Split('/');
        Assert.Equal(new[] { "", "public", "v1", "integration", "extensions", segments[5], "instances" }, segments);
        Assert.Equal("../x?y=1#z", Uri.UnescapeDataString(segments[5]));
        Assert.DoesNotContain("/", segments[5], StringComparison.Ordinal);
        Assert.False(request.Query?.ContainsKey("y") ?? false);
    }
    [Fact]
    public async Task A_token_of_no_known_shape_that_the_server_echoes_is_redacted_everywhere_the_client_reports_it()
    {
        const string token = "opaque-S3cr3t/value+with=odd~chars";
        var encoded = Uri.EscapeDataString(token);
        _api.WireMock.Given(WireMock.RequestBuilders.Request.Create().UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(401)
                .WithHeader("Content-Type", "application/problem+json")
                .WithHeader("WWW-Authenticate", $"Bearer error=\"invalid_token\", token=\"{token}\"")
                .WithHeader("X-Echo", encoded)
                .WithBody($$"""{"title":"Unauthorized","status":401,"detail":"The token {{token}} is not valid.","errors":{"token":["{{token}} expired"]},"echo":"{{encoded}}","traceId":"00-1"}"""));
        using var client = _api.CreateClient(o => o.Token = token);

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        var everything = string.Join("\n", new[] { error.Message, error.ToString(), error.Detail, error.ResponseExcerpt }
            .Concat(error.Errors.Select(e => e.ToString()))
            .Concat(error.Headers.SelectMany(h => h.Value.Select(v => h.Key + ": " + v))));
        Assert.DoesNotContain(token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, everything, StringComparison.Ordinal);
        Assert.Equal("The token *** is not valid.", error.Detail);
        Assert.Contains("token=\"***\"", error.Headers["WWW-Authenticate"].Single(), StringComparison.Ordinal);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("00-1", error.TraceId);
    }
}
