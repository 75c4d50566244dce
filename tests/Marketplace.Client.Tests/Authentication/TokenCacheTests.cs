using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Authentication;
using Xunit;

namespace Marketplace.Client.Tests.Authentication;

/// <summary>
/// The token cache under the faults issue 23 proved: a captured SynchronizationContext (blocking on a call from UI or
/// classic ASP.NET code), a provider that ignores its cancellation token, a provider that fails once inside the
/// refresh-ahead window, and a 401 that arrives while an unforced refresh is in flight.
/// </summary>
public sealed class TokenCacheTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    /// <summary>A provider whose every call runs <see cref="Next"/>; it counts calls, forced ones apart.</summary>
    private sealed class ScriptedProvider : IMarketplaceTokenProvider
    {
        private int _calls;
        private int _forced;

        public Func<MarketplaceTokenRequest, CancellationToken, Task<MarketplaceAccessToken>> Next { get; set; } =
            (_, _) => Task.FromResult(new MarketplaceAccessToken("opaque-1"));

        public int Calls => Volatile.Read(ref _calls);

        public int Forced => Volatile.Read(ref _forced);

        public async ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (request.ForceRefresh) Interlocked.Increment(ref _forced);
            return await Next(request, cancellationToken);
        }
    }

    /// <summary>A UI thread that is blocked: what is posted to it never runs.</summary>
    private sealed class BlockedUiContext : SynchronizationContext
    {
        public readonly ConcurrentQueue<SendOrPostCallback> Posted = new();

        public override void Post(SendOrPostCallback d, object? state) => Posted.Enqueue(d);

        public override void Send(SendOrPostCallback d, object? state) => Posted.Enqueue(d);
    }

    [Fact]
    public void Blocking_on_a_call_under_a_single_threaded_context_does_not_deadlock_with_a_provider()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        // The provider's own code awaits without ConfigureAwait(false), as application code does.
        var provider = new ScriptedProvider { Next = async (_, token) => { await Task.Delay(20, token); return new MarketplaceAccessToken("opaque-ui"); } };
        using var client = _api.CreateClient(o => o.TokenProvider = provider);
        Exception? failure = null;
        var answered = false;
        var ui = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new BlockedUiContext());
            try
            {
#pragma warning disable xUnit1031 // the point of the test: .NET Framework code blocks on async calls like this
                answered = client.ListExtensionInstancesAsync(TestApi.ExtensionId).GetAwaiter().GetResult().Metadata is not null;
#pragma warning restore xUnit1031
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };

        ui.Start();

        Assert.True(ui.Join(TimeSpan.FromSeconds(30)), "the call deadlocked on the blocked context");
        Assert.Null(failure);
        Assert.True(answered);
    }

    [Fact]
    public async Task A_provider_that_ignores_its_token_is_abandoned_at_the_limit_and_the_next_request_asks_again()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        var hung = new TaskCompletionSource<MarketplaceAccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new ScriptedProvider { Next = (_, _) => hung.Task }; // never completes, whatever its token says
        TokenCache.For(provider).ProviderTimeout = TimeSpan.FromMilliseconds(300);
        using var client = _api.CreateClient(o =>
        {
            o.TokenProvider = provider;
            o.Timeout = TimeSpan.FromSeconds(5);
        });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
        watch.Stop();

        Assert.Contains("did not return a token within", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"failed after {watch.Elapsed}, not at the limit");
        provider.Next = (_, _) => Task.FromResult(new MarketplaceAccessToken("opaque-2"));
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId); // the next request asks again
        using var another = _api.CreateClient(o => o.TokenProvider = provider);
        await another.ListExtensionInstancesAsync(TestApi.ExtensionId); // and a new client on the same provider works
        Assert.Equal(2, provider.Calls);
    }

    [Fact]
    public async Task A_refresh_ahead_that_fails_falls_back_to_the_still_valid_token_and_is_tried_again_later()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        var expiring = new MarketplaceAccessToken("opaque-expiring", DateTimeOffset.UtcNow.AddSeconds(30)); // inside the refresh-ahead minute
        var provider = new ScriptedProvider { Next = (_, _) => Task.FromResult(expiring) };
        TokenCache.For(provider).RefreshRetryDelay = TimeSpan.Zero;
        using var client = _api.CreateClient(o => o.TokenProvider = provider);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        provider.Next = (_, _) => Task.FromException<MarketplaceAccessToken>(new InvalidOperationException("the vault blinked"));
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId); // the refresh fails; the current token still works
        provider.Next = (_, _) => Task.FromResult(new MarketplaceAccessToken("opaque-fresh", DateTimeOffset.UtcNow.AddHours(1)));
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId); // tried again: the fresh token
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(3, provider.Calls);
        var sent = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(_api.Server.Requests, r => r.StatusCode));
        Assert.All(sent, s => Assert.Equal(200, s));
        Assert.Equal(4, sent.Count);
    }

    [Fact]
    public async Task A_401_that_arrives_during_an_unforced_refresh_gets_a_forced_one()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new ScriptedProvider
        {
            Next = async (request, _) =>
            {
                if (request.ForceRefresh) return new MarketplaceAccessToken("opaque-new");
                await gate.Task;
                return new MarketplaceAccessToken("opaque-old"); // what the provider's own cache still holds
            },
        };
        var cache = TokenCache.For(provider);

        var first = cache.GetAsync(TimeProvider.System, default);                        // an unforced refresh, in flight
        var replacement = cache.ReplaceAsync("opaque-old", TimeProvider.System, default); // the server rejected the old token meanwhile
        gate.SetResult();

        Assert.Equal("opaque-old", await first);
        Assert.Equal("opaque-new", await replacement);
        Assert.Equal(1, provider.Forced);
    }
}

/// <summary>The cache reads the client's clock (<see cref="MarketplaceClientOptions.TimeProvider"/>), as the rest of the pipeline does (issue 36, item 7).</summary>
public sealed class TokenCacheClockTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private sealed class ClockedProvider : IMarketplaceTokenProvider
    {
        private readonly TimeProvider _time;
        private int _calls;

        public ClockedProvider(TimeProvider time) => _time = time;

        public int Calls => Volatile.Read(ref _calls);

        public Func<TimeProvider, CancellationToken, Task<MarketplaceAccessToken>>? Next { get; set; }

        public async ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (Next is { } next) return await next(_time, cancellationToken);
            return new MarketplaceAccessToken("opaque-" + call, _time.GetUtcNow().AddMinutes(10));
        }
    }

    [Fact]
    public async Task A_token_past_its_expiry_on_the_clients_clock_is_replaced_before_it_is_sent()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var provider = new ClockedProvider(time);
        var sent = new ConcurrentQueue<string>();
        using var client = _api.CreateClient(o =>
        {
            o.TokenProvider = provider;
            o.TimeProvider = time;
            o.AddHandler(() => new AuthorizationRecorder(sent), MarketplaceHandlerPosition.PerCall);
        });

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        time.Advance(TimeSpan.FromMinutes(5)); // still well before expiry: the cached token
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        time.Advance(TimeSpan.FromMinutes(6)); // past it
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(2, provider.Calls);
        Assert.Equal(new[] { "opaque-1", "opaque-1", "opaque-2" }, sent);
    }

    private sealed class AuthorizationRecorder : System.Net.Http.DelegatingHandler
    {
        private readonly ConcurrentQueue<string> _sent;

        public AuthorizationRecorder(ConcurrentQueue<string> sent) => _sent = sent;

        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _sent.Enqueue(request.Headers.Authorization?.Parameter ?? "");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task The_provider_timeout_runs_on_the_clients_clock()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.EmptyPage);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var hung = new TaskCompletionSource<MarketplaceAccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new ClockedProvider(time) { Next = (_, _) => hung.Task };
        using var client = _api.CreateClient(o =>
        {
            o.TokenProvider = provider;
            o.TimeProvider = time;
        });

        var call = client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        while (provider.Calls == 0) await Task.Delay(5);
        Assert.False(call.IsCompleted);
        time.Advance(TokenCache.DefaultProviderTimeout); // no real minute passes

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("did not return a token within 60 s", error.Message, StringComparison.Ordinal);
    }
}
