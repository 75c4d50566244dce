using System;

namespace Marketplace.Client;

/// <summary>
/// Retries of reads (GET, HEAD) on 408, 429, 500, 502, 503, 504, connection failures and attempt timeouts, and of
/// writes (POST, PUT, DELETE) on 429 only, with exponential backoff and jitter, honouring <c>Retry-After</c>. A write
/// is never sent again after a 5xx, a dropped connection or a timeout: it may already have taken effect. A 429 is the
/// platform refusing a request before processing it, so sending the write again cannot do it twice.
/// </summary>
public sealed class MarketplaceRetryOptions
{
    /// <summary>Whether failed requests are retried at all (reads as above, writes on 429). Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many attempts a request gets in all, the first included (1 means no retry). Default: 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; later ones double it, with jitter. Default: 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff between two attempts. Default: 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits out. A server that asks for longer (or for longer than is left of
    /// the overall <see cref="MarketplaceClientOptions.Timeout"/>) is not retried early: its 429 or 503 surfaces at once as
    /// <see cref="MarketplaceApiException"/>, with the requested wait in <see cref="MarketplaceApiException.RetryAfter"/>.
    /// Default: 60 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Shows the settings.</summary>
    public override string ToString() =>
        $"Enabled={Enabled}, MaxAttempts={MaxAttempts}, BaseDelay={BaseDelay}, MaxDelay={MaxDelay}, MaxRetryAfter={MaxRetryAfter}";
}
