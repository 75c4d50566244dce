using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Authentication;

/// <summary>
/// Tokens from a provider (issue 13): asked once and kept, asked again before expiry or after a 401 (then the request is
/// sent once more), one call however many requests are waiting, and held to the same rules as a fixed token.
/// </summary>
public sealed class TokenProviderTests : IDisposable
{
    private const string OldToken = "opaque-old-1f2e3d4c";
    private const string NewToken = "opaque-new-9a8b7c6d";

    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    /// <summary>Counts its calls; the first token is the old one, every forced refresh gives the new one.</summary>
    private sealed class CountingProvider : IMarketplaceTokenProvider
    {
        private int _calls;
        private int _forced;

        public Func<MarketplaceTokenRequest, MarketplaceAccessToken> Next { get; set; } =
            request => new MarketplaceAccessToken(request.ForceRefresh ? NewToken : OldToken);

        public int Calls => Volatile.Read(ref _calls);

        public int Forced => Volatile.Read(ref _forced);

        public async ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (request.ForceRefresh) Interlocked.Increment(ref _forced);
            await Task.Delay(50, cancellationToken); // long enough for concurrent requests to pile up behind it
            return Next(request);
        }
    }

    private void RejectOldAcceptNew()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("Authorization", "Bearer " + OldToken))
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"status":401,"title":"Unauthorized","detail":"Token expired"}"""));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("Authorization", "Bearer " + NewToken))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(TestApi.EmptyPage));
    }

    private int Sent(string token) => _api.WireMock.LogEntries.Count(e => e.RequestMessage!.Headers!["Authorization"].Single() == "Bearer " + token);

    [Fact]
    public async Task After_a_401_twenty_concurrent_requests_share_one_refresh_and_each_is_sent_once_more()
    {
        RejectOldAcceptNew();
        var provider = new CountingProvider();
        using var client = _api.CreateClient(o => o.TokenProvider = provider);

        var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.ListExtensionInstancesAsync(TestApi.ExtensionId)));

        Assert.All(pages, p => Assert.Equal(0, p.Metadata!.Pagination!.Total));
        Assert.Equal(1, provider.Forced);
        Assert.Equal(2, provider.Calls); // the first token (one call for all twenty), then the one refresh
        Assert.Equal(20, Sent(OldToken));
        Assert.Equal(20, Sent(NewToken));

        // The token is kept: a request that succeeds does not ask again.
        for (var i = 0; i < 5; i++) await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        Assert.Equal(2, provider.Calls);
        Assert.Equal(25, Sent(NewToken));
    }

    [Fact]
    public async Task A_token_about_to_expire_is_replaced_before_it_is_sent_and_one_that_is_not_is_kept()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        var provider = new CountingProvider { Next = _ => new MarketplaceAccessToken(NewToken, DateTimeOffset.UtcNow.AddSeconds(30)) };
        using (var client = _api.CreateClient(o => o.TokenProvider = provider))
        {
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        }
        Assert.Equal(2, provider.Calls); // within a minute of its expiry: asked again, not forced
        Assert.Equal(0, provider.Forced);

        var lasting = new CountingProvider { Next = _ => new MarketplaceAccessToken(NewToken, DateTimeOffset.UtcNow.AddHours(1)) };
        using (var client = _api.CreateClient(o => o.TokenProvider = lasting))
        {
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        }
        Assert.Equal(1, lasting.Calls);
    }

    [Fact]
    public async Task A_provided_token_that_the_server_echoes_is_in_no_exception_header_or_excerpt()
    {
        // Both tokens rejected, each echoed back in the body and a header: the 401 surfaces after the one resend.
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/problem+json")
                .WithHeader("X-Rejected", "{{request.headers.Authorization}}")
                .WithBody("""{"status":401,"title":"Unauthorized","detail":"rejected {{request.headers.Authorization}}"}""")
                .WithTransformer());
        var provider = new CountingProvider();
        using var client = _api.CreateClient(o => o.TokenProvider = provider);

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(2, _api.RequestCount(TestApi.InstancesPath)); // the old token, then the new one, then no more
        Assert.Equal(1, provider.Forced);
        var shown = string.Join("\n", new[] { error.ToString(), error.Detail ?? "", error.ResponseExcerpt ?? "" }
            .Concat(error.Headers.SelectMany(h => h.Value.Select(v => h.Key + ": " + v))));
        Assert.Contains("rejected Bearer ***", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(OldToken, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(NewToken, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_does_not_lift_the_https_rule()
    {
        var provider = new CountingProvider();
        var error = Assert.Throws<InvalidOperationException>(() => new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = new Uri("http://api.example.com/"),
            Token = null,
            TokenProvider = provider,
        }));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, provider.Calls);
    }

    [Fact]
    public async Task A_provider_that_fails_or_returns_nothing_usable_fails_the_call_clearly_and_without_the_token()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);

        using (var client = _api.CreateClient(o => o.TokenProvider = MarketplaceTokenProvider.Create(_ => new ValueTask<string>(" "))))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
            Assert.Contains("returned no token", error.Message, StringComparison.Ordinal);
        }

        using (var client = _api.CreateClient(o => o.TokenProvider = MarketplaceTokenProvider.Create(_ => new ValueTask<string>("opaque-with\nnewline-secret"))))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
            Assert.DoesNotContain("newline-secret", error.ToString(), StringComparison.Ordinal);
        }

        using (var client = _api.CreateClient(o => o.TokenProvider = MarketplaceTokenProvider.Create(_ => throw new TimeZoneNotFoundException("vault down"))))
        {
            await Assert.ThrowsAsync<TimeZoneNotFoundException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
        }

        Assert.Equal(0, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_provider_wins_over_the_fixed_token()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        using var client = _api.CreateClient(o => o.TokenProvider = MarketplaceTokenProvider.Create(_ => new ValueTask<string>(NewToken)));

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(1, Sent(NewToken));
        Assert.Equal(0, Sent(TestApi.Token));
    }

    [Fact]
    public async Task AddMarketplaceClient_takes_the_provider_registered_in_the_container()
    {
        RejectOldAcceptNew();
        var provider = new CountingProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IMarketplaceTokenProvider>(provider);
        services.AddMarketplaceClient(o =>
        {
            o.BaseUri = _api.BaseUri;
            o.Token = null; // no fixed token at all: the provider is enough
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        });
        using var container = services.BuildServiceProvider();

        var client = container.GetRequiredService<IMarketplaceClient>();
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        await container.GetRequiredService<IMarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(2, provider.Calls);
        Assert.Equal(1, provider.Forced);
        Assert.Equal(2, Sent(NewToken));
    }

    [Fact]
    public void A_token_shows_its_expiry_never_its_value()
    {
        var token = new MarketplaceAccessToken(NewToken, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

        Assert.DoesNotContain(NewToken, token.ToString(), StringComparison.Ordinal);
        Assert.Contains("2026-11-25T10:00:00", token.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MarketplaceAccessToken(" "));
    }
}
