using System;

namespace Marketplace.Client;

/// <summary>
/// Retries of idempotent (GET) requests on 408, 429, 500, 502, 503, 504, connection failures and attempt
/// timeouts, with exponential backoff and jitter, honouring <c>Retry-After</c>. Other methods are never retried.
/// </summary>
public sealed class MarketplaceRetryOptions
{
    /// <summary>Whether failed GET requests are retried at all. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many attempts a request gets in all, the first included (1 means no retry). Default: 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; later ones double it, with jitter. Default: 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff between two attempts. Default: 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a server's <c>Retry-After</c> is honoured; a longer one is cut to this. Default: 60 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Shows the settings.</summary>
    public override string ToString() =>
        $"Enabled={Enabled}, MaxAttempts={MaxAttempts}, BaseDelay={BaseDelay}, MaxDelay={MaxDelay}, MaxRetryAfter={MaxRetryAfter}";
}
