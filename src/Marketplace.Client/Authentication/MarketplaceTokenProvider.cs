using System;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client;

/// <summary>Makes an <see cref="IMarketplaceTokenProvider"/> from a delegate.</summary>
public static class MarketplaceTokenProvider
{
    /// <summary>
    /// A provider that calls <paramref name="getToken"/> whenever the client needs a token (the first time, and after the
    /// server rejected the last one): it must return a current token each time it is called.
    /// </summary>
    /// <param name="getToken">Returns the token to send.</param>
    /// <exception cref="ArgumentNullException"><paramref name="getToken"/> is null.</exception>
    public static IMarketplaceTokenProvider Create(Func<CancellationToken, ValueTask<string>> getToken)
    {
        if (getToken is null) throw new ArgumentNullException(nameof(getToken));
        return new DelegateProvider(async (_, cancellationToken) =>
        {
            var token = await getToken(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(token)) throw new InvalidOperationException("The Marketplace token provider returned no token.");
            return new MarketplaceAccessToken(token);
        });
    }

    /// <summary>A provider that calls <paramref name="getToken"/> with what the client needs (a forced refresh) and takes the expiry it returns.</summary>
    /// <param name="getToken">Returns the token to send, and when it expires.</param>
    /// <exception cref="ArgumentNullException"><paramref name="getToken"/> is null.</exception>
    public static IMarketplaceTokenProvider Create(Func<MarketplaceTokenRequest, CancellationToken, ValueTask<MarketplaceAccessToken>> getToken)
    {
        if (getToken is null) throw new ArgumentNullException(nameof(getToken));
        return new DelegateProvider(getToken);
    }

    private sealed class DelegateProvider : IMarketplaceTokenProvider
    {
        private readonly Func<MarketplaceTokenRequest, CancellationToken, ValueTask<MarketplaceAccessToken>> _getToken;

        public DelegateProvider(Func<MarketplaceTokenRequest, CancellationToken, ValueTask<MarketplaceAccessToken>> getToken) => _getToken = getToken;

        public ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken) => _getToken(request, cancellationToken);
    }
}
