using System;

namespace Marketplace.Client;

/// <summary>What the client asks an <see cref="IMarketplaceTokenProvider"/> for.</summary>
public readonly struct MarketplaceTokenRequest : IEquatable<MarketplaceTokenRequest>
{
    /// <summary>Creates a request.</summary>
    /// <param name="forceRefresh">Whether the provider must return a new token rather than one it cached.</param>
    public MarketplaceTokenRequest(bool forceRefresh) => ForceRefresh = forceRefresh;

    /// <summary>
    /// <see langword="true"/> after the server rejected the last token (401): return a new one, not the one you cached.
    /// <see langword="false"/> for the first token and for one about to expire.
    /// </summary>
    public bool ForceRefresh { get; }

    /// <inheritdoc/>
    public bool Equals(MarketplaceTokenRequest other) => ForceRefresh == other.ForceRefresh;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MarketplaceTokenRequest other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ForceRefresh.GetHashCode();

    /// <summary>Whether two requests are equal.</summary>
    /// <param name="left">One request.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(MarketplaceTokenRequest left, MarketplaceTokenRequest right) => left.Equals(right);

    /// <summary>Whether two requests differ.</summary>
    /// <param name="left">One request.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(MarketplaceTokenRequest left, MarketplaceTokenRequest right) => !left.Equals(right);
}
