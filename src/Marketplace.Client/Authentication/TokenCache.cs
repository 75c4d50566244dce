using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Http;

namespace Marketplace.Client.Authentication;

/// <summary>
/// The token an <see cref="IMarketplaceTokenProvider"/> gave, kept until it is about to expire or is rejected, with one
/// call to the provider at a time however many requests need a token (single flight). One per provider instance.
/// </summary>
internal sealed class TokenCache
{
    /// <summary>How long before its expiry a token is replaced.</summary>
    internal static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(1);

    /// <summary>How long the provider may take before the requests waiting for it fail.</summary>
    internal static readonly TimeSpan ProviderTimeout = TimeSpan.FromMinutes(1);

    private static readonly ConditionalWeakTable<IMarketplaceTokenProvider, TokenCache> Caches = new();

    private readonly IMarketplaceTokenProvider _provider;
    private readonly object _gate = new();
    private MarketplaceAccessToken? _current;
    private Task<MarketplaceAccessToken>? _refreshing;

    private TokenCache(IMarketplaceTokenProvider provider) => _provider = provider;

    public static TokenCache For(IMarketplaceTokenProvider provider) => Caches.GetValue(provider, static p => new TokenCache(p));

    /// <summary>The token to send: the cached one, or a new one when there is none or it is about to expire.</summary>
    public Task<string> GetAsync(CancellationToken cancellationToken) => TokenAsync(rejected: null, cancellationToken);

    /// <summary>
    /// A token to send instead of <paramref name="rejected"/>, which the server refused: a new one from the provider
    /// (forced), unless another request has already replaced it.
    /// </summary>
    public Task<string> ReplaceAsync(string rejected, CancellationToken cancellationToken) => TokenAsync(rejected, cancellationToken);

    private Task<string> TokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        Task<MarketplaceAccessToken> refreshing;
        lock (_gate)
        {
            if (_current is { } current && (rejected is null ? !ExpiresSoon(current) : !string.Equals(current.Token, rejected, StringComparison.Ordinal)))
                return Task.FromResult(current.Token);
            if (_refreshing is not { IsCompleted: false }) _refreshing = RefreshAsync(forceRefresh: rejected is not null);
            refreshing = _refreshing;
        }
        return WaitAsync(refreshing, cancellationToken);
    }

    private static bool ExpiresSoon(MarketplaceAccessToken token) => token.ExpiresOn is { } at && at - RefreshAhead <= DateTimeOffset.UtcNow;

    private async Task<MarketplaceAccessToken> RefreshAsync(bool forceRefresh)
    {
        // Off the lock and off the caller's thread: the provider's own code runs on the thread pool.
        await Task.Yield();
        using var timeout = new CancellationTokenSource(ProviderTimeout);
        MarketplaceAccessToken token;
        try
        {
            token = await _provider.GetTokenAsync(new MarketplaceTokenRequest(forceRefresh), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The Marketplace token provider did not return a token within {ProviderTimeout.TotalSeconds:0} s.");
        }
        if (token.Token is null)
            throw new InvalidOperationException("The Marketplace token provider returned no token (a default MarketplaceAccessToken).");
        MarketplaceHttp.ValidateToken(token.Token);
        lock (_gate) _current = token;
        return token;
    }

    private static async Task<string> WaitAsync(Task<MarketplaceAccessToken> refreshing, CancellationToken cancellationToken)
    {
#if NET6_0_OR_GREATER
        return (await refreshing.WaitAsync(cancellationToken).ConfigureAwait(false)).Token;
#else
        if (!refreshing.IsCompleted && cancellationToken.CanBeCanceled)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(refreshing, cancelled.Task).ConfigureAwait(false) != refreshing)
                    throw new OperationCanceledException(cancellationToken);
            }
        }
        return (await refreshing.ConfigureAwait(false)).Token;
#endif
    }
}
