using System;
using System.Linq;
using System.Threading.Tasks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>A redirect is followed only where the token may go: the same origin, no body, a few hops.</summary>
public sealed class RedirectTests : IDisposable
{
    private const string Page = """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-1"}]}""";
    private readonly TestApi _api = new();
    private readonly WireMockServer _elsewhere = WireMockServer.Start();

    public void Dispose()
    {
        _api.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public async Task A_redirect_within_the_same_origin_is_followed_with_the_token()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", "/v2" + TestApi.InstancesPath));
        _api.Serve("/v2" + TestApi.InstancesPath, Page);
        using var client = _api.CreateClient();

        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal("INS-1", page.Data!.Single().Id);
        var followed = _api.WireMock.LogEntries.Single(e => e.RequestMessage!.Path.StartsWith("/v2", StringComparison.Ordinal)).RequestMessage!;
        Assert.Equal("Bearer " + TestApi.Token, followed.Headers!["Authorization"].Single());
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_to_another_origin_is_not_followed_and_the_token_never_goes_there(int status)
    {
        _elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(Page));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", _elsewhere.Url + TestApi.InstancesPath));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains("not followed", error.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(_elsewhere.Url!).Authority, error.Message, StringComparison.Ordinal);
        Assert.Empty(_elsewhere.LogEntries);
    }

    [Fact]
    public async Task The_registered_client_does_not_follow_either()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _elsewhere.Url + "/x"));
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.MarketplaceClientServiceCollectionExtensions.AddMarketplaceClient(services, o =>
        {
            o.BaseUri = _api.BaseUri;
            o.Token = TestApi.Token;
        });
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var client = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IMarketplaceClient>(provider);

        await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Empty(_elsewhere.LogEntries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_redirect_that_echoes_the_token_shows_it_nowhere_in_the_exception(bool provided)
    {
        // An opaque token (no known token shape), echoed back in headers and the body of the refused redirect.
        const string Opaque = "opaque-7f3a9c2e11d4";
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _elsewhere.Url + "/x")
                .WithHeader("X-Echo", "{{request.headers.Authorization}}")
                .WithHeader("X-Token", Opaque)
                .WithHeader("Content-Type", "text/plain")
                .WithBody("moved; you sent {{request.headers.Authorization}} and " + Opaque)
                .WithTransformer());
        using var client = _api.CreateClient(o =>
        {
            if (provided) o.TokenProvider = MarketplaceTokenProvider.Create(_ => new System.Threading.Tasks.ValueTask<string>(Opaque));
            else o.Token = Opaque;
        });

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(302, error.StatusCode);
        var shown = string.Join("\n", new[] { error.ToString(), error.Message, error.ResponseExcerpt ?? "", error.Detail ?? "" }
            .Concat(error.Headers.SelectMany(h => h.Value.Select(v => h.Key + ": " + v))));
        Assert.DoesNotContain(Opaque, shown, StringComparison.Ordinal);
        Assert.Contains("X-Echo: Bearer ***", shown, StringComparison.Ordinal);
        Assert.Contains(new Uri(_elsewhere.Url!).Authority, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_loop_ends()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", TestApi.InstancesPath));
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Contains("at most 5 are followed", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, _api.RequestCount(TestApi.InstancesPath));
    }

    // RFC 9110 §15.4.4: 303 See Other says the POST was carried out and its result is at Location, to be fetched with GET
    // (issue 36, item 9). Refusing it told the caller a created object had failed.
    [Fact]
    public async Task A_post_answered_303_is_followed_with_a_get_to_the_same_origin_without_the_body()
    {
        const string Created = "/public/v1/integration/instances/INS-9";
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(303).WithHeader("Location", Created));
        _api.WireMock.Given(Request.Create().WithPath(Created).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"id":"INS-9","name":"made"}"""));
        using var client = _api.CreateClient();
        var post = CreateInstance();

        var created = await client.SendAsync<Instance, Instance>(post, default);

        Assert.Equal("INS-9", created.Id);
        var sent = _api.WireMock.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(new[] { "POST " + TestApi.InstancesPath, "GET " + Created }, sent.Select(r => r.Method + " " + r.Path));
        Assert.Equal("""{"name":"made"}""", sent[0].Body);
        Assert.True(string.IsNullOrEmpty(sent[1].Body), "the GET carried the POST's body");
        Assert.False(sent[1].Headers!.ContainsKey("Content-Type"), "the GET carried the POST's content headers");
        Assert.Equal("Bearer " + TestApi.Token, sent[1].Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task A_post_answered_303_whose_get_is_throttled_is_not_sent_again()
    {
        const string Created = "/public/v1/integration/instances/INS-9";
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(303).WithHeader("Location", Created));
        _api.WireMock.Given(Request.Create().WithPath(Created).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0").WithBody("""{"title":"Too Many Requests"}"""));
        using var client = _api.CreateClient();
        var post = CreateInstance();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.SendAsync<Instance, Instance>(post, default));

        Assert.Equal(429, error.StatusCode);
        Assert.Single(_api.WireMock.LogEntries, e => e.RequestMessage!.Method == "POST");
    }

    [Fact]
    public async Task A_post_answered_303_to_another_origin_is_not_followed()
    {
        _elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithBody("{}"));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(303).WithHeader("Location", _elsewhere.Url + "/INS-9"));
        using var client = _api.CreateClient();
        var post = CreateInstance();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.SendAsync<Instance, Instance>(post, default));

        Assert.Equal(303, error.StatusCode);
        Assert.Empty(_elsewhere.LogEntries);
    }

    // A download that leaves the platform takes only what the file needs (Accept, User-Agent); a header a handler of the
    // application added (a tenant key, a cookie) stays on the platform with the token (issue 36, "also look at").
    [Fact]
    public async Task A_download_redirected_to_another_host_carries_no_header_but_accept_and_user_agent()
    {
        const string Download = "/public/v1/integration/instances/INS-1/attachments/ATT-1";
        _elsewhere.Given(Request.Create().WithPath("/bytes/contract.pdf").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/pdf").WithBody("%PDF-1.7"));
        _api.WireMock.Given(Request.Create().WithPath(Download).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _elsewhere.Url + "/bytes/contract.pdf"));
        using var client = _api.CreateClient(o => o.AddHandler(() => new AddsHeaders(), MarketplaceHandlerPosition.PerCall));
        var request = new Marketplace.Client.Http.MarketplaceRequest(
            new Marketplace.Client.Diagnostics.OperationInfo("DownloadInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments/{attachmentId}"),
            System.Net.Http.HttpMethod.Get, Download.TrimStart('/')).AsDownload("application/pdf");

        using (await client.DownloadAsync(request, default)) { }

        var atPlatform = _api.WireMock.LogEntries.Single().RequestMessage!.Headers!;
        Assert.Equal("tenant-secret", atPlatform["X-Tenant-Key"].Single());
        var there = _elsewhere.LogEntries.Single().RequestMessage!.Headers!;
        Assert.False(there.ContainsKey("X-Tenant-Key"), "an application's header went to another host");
        Assert.False(there.ContainsKey("Cookie"), "a cookie went to another host");
        Assert.False(there.ContainsKey("Authorization"), "the token went to another host");
        Assert.Equal("application/pdf", there["Accept"].Single());
        Assert.StartsWith("Marketplace.Client/", there["User-Agent"].Single(), StringComparison.Ordinal);
    }

    // A create as a generated write method builds it (the seeds have no write operation).
    private static Marketplace.Client.Http.MarketplaceRequest CreateInstance() => new Marketplace.Client.Http.MarketplaceRequest(
        new Marketplace.Client.Diagnostics.OperationInfo("CreateExtensionInstance", "public/v1/integration/extensions/{extensionId}/instances"),
        System.Net.Http.HttpMethod.Post, TestApi.InstancesPath.TrimStart('/')).WithJsonBody(new Instance { Name = "made" });

    private sealed class AddsHeaders : System.Net.Http.DelegatingHandler
    {
        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Tenant-Key", "tenant-secret");
            request.Headers.TryAddWithoutValidation("Cookie", "session=abc");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
