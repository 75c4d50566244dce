using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client;

/// <summary>
/// Supplies the token the client sends, for services whose tokens change: short-lived tokens, a token per account, a token
/// kept in a vault. Set it as <see cref="MarketplaceClientOptions.TokenProvider"/> or register it in DI before
/// <c>AddMarketplaceClient</c>; <see cref="MarketplaceTokenProvider.Create(System.Func{CancellationToken, ValueTask{string}})"/>
/// makes one from a delegate.
/// </summary>
/// <remarks>
/// <para>The client asks once and keeps the token; it asks again only when the token is about to expire
/// (<see cref="MarketplaceAccessToken.ExpiresOn"/>, one minute ahead) or after the server rejected it with a 401 (then
/// <see cref="MarketplaceTokenRequest.ForceRefresh"/> is set: return a new token, not a cached one) and then sends the
/// rejected request once more with the new token. Concurrent requests share one call: the provider is never asked twice
/// at the same time for the same client. The token is cached per provider instance, so every client built on one
/// provider shares it.</para>
/// <para>The token rules of a fixed token hold for a provided one: it is never logged or put into an exception, it is
/// redacted from anything the server echoes, and it is only sent over https (or to a loopback address). A provider that
/// throws fails the request with its exception; one that returns no token, or takes longer than a minute, fails it with
/// <see cref="System.InvalidOperationException"/> (at the minute, even if it ignores its cancellation token: the call is
/// abandoned and the next request asks again). A refresh a minute ahead of expiry that fails or overruns is not a
/// failure while the cached token is still valid: the request is sent with that token, and the refresh is tried again
/// 5 seconds later. A 401 always gets a forced call, even when an unforced one was in flight. The provider is called on
/// the thread pool, never under the caller's <see cref="SynchronizationContext"/>, so blocking on a call does not
/// deadlock.</para>
/// </remarks>
public interface IMarketplaceTokenProvider
{
    /// <summary>Returns the token to send.</summary>
    /// <param name="request">What the client needs: with <see cref="MarketplaceTokenRequest.ForceRefresh"/>, a new token, because the last one was rejected.</param>
    /// <param name="cancellationToken">Cancels the call (the client gives up after a minute).</param>
    /// <returns>The token, and when it expires if you know it.</returns>
    ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken);
}
