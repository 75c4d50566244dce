using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Http;

namespace Marketplace.Client.Authentication;

/// <summary>
/// The token an <see cref="IMarketplaceTokenProvider"/> gave, kept until it is about to expire or is rejected, with one
/// call to the provider at a time however many requests need a token (single flight). One per provider instance.
/// Expiry, refresh-ahead and the provider's time limit are read on the clock of the client that asks
/// (<see cref="MarketplaceClientOptions.TimeProvider"/>), so a test that moves its clock moves them too.
/// </summary>
internal sealed class TokenCache
{
    /// <summary>How long before its expiry a token is replaced.</summary>
    internal static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(1);

    /// <summary>How long the provider may take before the requests waiting for it fail.</summary>
    internal static readonly TimeSpan DefaultProviderTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How long this provider may take (<see cref="DefaultProviderTimeout"/>; a test shortens it for its own provider).</summary>
    internal TimeSpan ProviderTimeout { get; set; } = DefaultProviderTimeout;

    /// <summary>How long after a failed refresh-ahead the next is tried (meanwhile the still-valid token is used).</summary>
    internal TimeSpan RefreshRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    private static readonly ConditionalWeakTable<IMarketplaceTokenProvider, TokenCache> Caches = new();

    private readonly IMarketplaceTokenProvider _provider;
    private readonly object _gate = new();
    private MarketplaceAccessToken? _current;
    private Task<MarketplaceAccessToken>? _refreshing;
    private bool _refreshingIsForced;
    private DateTimeOffset _nextRefreshAhead = DateTimeOffset.MinValue;

    private TokenCache(IMarketplaceTokenProvider provider) => _provider = provider;

    public static TokenCache For(IMarketplaceTokenProvider provider) => Caches.GetValue(provider, static p => new TokenCache(p));

    /// <summary>
    /// The token to send: the cached one; a new one when there is none, it has expired, or it expires within
    /// <see cref="RefreshAhead"/> (then, if the provider fails, the cached one while it is still valid).
    /// </summary>
    public Task<string> GetAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        Task<MarketplaceAccessToken> refreshing;
        string? fallback = null;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_current is { } current && !Expired(current, now))
            {
                if (!ExpiresSoon(current, now)) return Task.FromResult(current.Token);
                // Inside the refresh-ahead window: ask for a new one, but a failure costs nothing while this one is valid.
                // After a failed one, the next waits RefreshRetryDelay.
                if (_refreshing is not { IsCompleted: false } && now < _nextRefreshAhead) return Task.FromResult(current.Token);
                fallback = current.Token;
            }
            refreshing = _refreshing is { IsCompleted: false } ? _refreshing : Start(forced: false, after: null, rejected: null, time);
        }
        return fallback is null ? WaitAsync(refreshing, cancellationToken) : WaitOrFallBackAsync(refreshing, fallback, cancellationToken);
    }

    /// <summary>
    /// A token to send instead of <paramref name="rejected"/>, which the server refused: a new one from the provider,
    /// forced, unless another request has already replaced it. A refresh in flight that was not forced may bring the
    /// rejected token back (from the provider's own cache), so a forced one follows it.
    /// </summary>
    public Task<string> ReplaceAsync(string rejected, TimeProvider time, CancellationToken cancellationToken)
    {
        Task<MarketplaceAccessToken> refreshing;
        lock (_gate)
        {
            if (_current is { } current && !string.Equals(current.Token, rejected, StringComparison.Ordinal) && !Expired(current, time.GetUtcNow()))
                return Task.FromResult(current.Token);
            refreshing = _refreshing is { IsCompleted: false } && _refreshingIsForced
                ? _refreshing
                : Start(forced: true, after: _refreshing is { IsCompleted: false } unforced ? unforced : null, rejected, time);
        }
        return WaitAsync(refreshing, cancellationToken);
    }

    private static bool Expired(MarketplaceAccessToken token, DateTimeOffset now) => token.ExpiresOn is { } at && at <= now;

    private static bool ExpiresSoon(MarketplaceAccessToken token, DateTimeOffset now) => token.ExpiresOn is { } at && at - RefreshAhead <= now;

    // Under _gate. The provider runs on the thread pool (Task.Run): never on the caller's thread, so never under a
    // SynchronizationContext the caller may be blocking (a call blocked on with .GetAwaiter().GetResult()).
    private Task<MarketplaceAccessToken> Start(bool forced, Task<MarketplaceAccessToken>? after, string? rejected, TimeProvider time)
    {
        var refresh = Task.Run(() => RefreshAsync(forced, after, rejected, time));
        _refreshing = refresh;
        _refreshingIsForced = forced;
        // A refresh nobody waits for any more (its waiters fell back or gave up) must not be an unobserved exception.
        _ = refresh.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return refresh;
    }

    private async Task<MarketplaceAccessToken> RefreshAsync(bool forced, Task<MarketplaceAccessToken>? after, string? rejected, TimeProvider time)
    {
        if (after is not null)
        {
            try
            {
                var brought = await after.ConfigureAwait(false);
                if (!string.Equals(brought.Token, rejected, StringComparison.Ordinal)) return brought;
            }
            catch (Exception)
            {
                // It failed; the forced call below is the answer.
            }
        }

        var limit = ProviderTimeout;
        using var timeout = MarketplaceHttp.CancelAfter(limit, time);
        try
        {
            var call = _provider.GetTokenAsync(new MarketplaceTokenRequest(forced), timeout.Token).AsTask();
            // The limit holds even for a provider that ignores its token: the call is abandoned, not awaited.
            var abandon = Task.Delay(Timeout.Infinite, timeout.Token);
            if (await Task.WhenAny(call, abandon).ConfigureAwait(false) != call)
            {
                _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw Overran(limit);
            }
            var token = await call.ConfigureAwait(false);
            if (token.Token is null)
                throw new InvalidOperationException("The Marketplace token provider returned no token (a default MarketplaceAccessToken).");
            MarketplaceHttp.ValidateToken(token.Token);
            lock (_gate)
            {
                _current = token;
                _nextRefreshAhead = DateTimeOffset.MinValue;
            }
            return token;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            NoteFailure(time);
            throw Overran(limit);
        }
        catch (Exception)
        {
            NoteFailure(time);
            throw;
        }
    }

    private void NoteFailure(TimeProvider time)
    {
        lock (_gate) _nextRefreshAhead = time.GetUtcNow() + RefreshRetryDelay;
    }

    private static InvalidOperationException Overran(TimeSpan limit) =>
        new($"The Marketplace token provider did not return a token within {limit.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s.");

    // Inside the refresh-ahead window: the new token if the provider gives one, else the one still valid.
    private static async Task<string> WaitOrFallBackAsync(Task<MarketplaceAccessToken> refreshing, string fallback, CancellationToken cancellationToken)
    {
        try
        {
            return await WaitAsync(refreshing, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return fallback;
        }
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
