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
}
