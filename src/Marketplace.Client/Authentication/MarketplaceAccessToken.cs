using System;

namespace Marketplace.Client;

/// <summary>A token from an <see cref="IMarketplaceTokenProvider"/>, and when it expires if known.</summary>
public readonly struct MarketplaceAccessToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="token">The token (<c>idt:TKN-…</c> or a JWT), sent as <c>Authorization: Bearer</c>.</param>
    /// <param name="expiresOn">When it stops working, or <see langword="null"/> when unknown (it is then used until the server rejects it).</param>
    /// <exception cref="ArgumentException"><paramref name="token"/> is null or blank.</exception>
    public MarketplaceAccessToken(string token, DateTimeOffset? expiresOn = null)
    {
        if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("A token is required.", nameof(token));
        Token = token;
        ExpiresOn = expiresOn;
    }

    /// <summary>The token.</summary>
    public string Token { get; }

    /// <summary>When the token stops working; the client asks for a new one a minute before. <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>Shows the expiry, never the token.</summary>
    public override string ToString() => $"Token=***, ExpiresOn={(ExpiresOn is { } at ? at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "(unknown)")}";
}
