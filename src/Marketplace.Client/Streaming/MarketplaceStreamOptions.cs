using System;

namespace Marketplace.Client;

/// <summary>
/// How a <c>StreamAll…Async</c> listing asks for and hands out its records. Everything is optional: by default the
/// whole snapshot is streamed and every record is handed out, deleted ones included (see <see cref="SkipDeleted"/>).
/// </summary>
public sealed class MarketplaceStreamOptions
{
    /// <summary>How many records to stream at most; <see langword="null"/> (the default) for the whole snapshot.</summary>
    public int? Limit { get; set; }

    /// <summary>How many records of the snapshot to skip first; <see langword="null"/> for none.</summary>
    public int? Offset { get; set; }

    /// <summary>
    /// Whether records deleted after the snapshot was taken (<c>$meta.deleted</c>, <c>Metadata.Deleted == true</c>; only
    /// their <c>id</c> is guaranteed) are left out. Default: <see langword="false"/>, so you see the deletions; they still
    /// count towards the declared total either way.
    /// </summary>
    public bool SkipDeleted { get; set; }

    /// <summary>
    /// How long this stream may go without a byte before it ends with <see cref="MarketplaceApiException"/> (saying how many
    /// records arrived); <see langword="null"/> (the default): the client's <see cref="MarketplaceClientOptions.ReadTimeout"/>.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit; zero or less makes the enumeration throw
    /// <see cref="ArgumentOutOfRangeException"/> before anything is sent.
    /// </summary>
    public TimeSpan? ReadTimeout { get; set; }

    /// <summary>Told the declared record count and how many records arrived, as the stream goes (every 100 records and at the end).</summary>
    public IProgress<MarketplaceStreamProgress>? Progress { get; set; }
}

/// <summary>How far a streamed listing has come.</summary>
public readonly struct MarketplaceStreamProgress : IEquatable<MarketplaceStreamProgress>
{
    /// <summary>Creates a progress report.</summary>
    /// <param name="declared">The record count the server declared (<c>MPT-Item-Count</c>).</param>
    /// <param name="received">The records read so far, deleted ones included.</param>
    public MarketplaceStreamProgress(long declared, long received)
    {
        Declared = declared;
        Received = received;
    }

    /// <summary>The record count the server declared for the stream (<c>MPT-Item-Count</c>).</summary>
    public long Declared { get; }

    /// <summary>The records read so far, deleted ones included.</summary>
    public long Received { get; }

    /// <summary>Whether every declared record has arrived.</summary>
    public bool IsComplete => Received == Declared;

    /// <inheritdoc />
    public bool Equals(MarketplaceStreamProgress other) => Declared == other.Declared && Received == other.Received;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MarketplaceStreamProgress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => unchecked((Declared.GetHashCode() * 397) ^ Received.GetHashCode());

    /// <summary>Whether two reports are equal.</summary>
    public static bool operator ==(MarketplaceStreamProgress left, MarketplaceStreamProgress right) => left.Equals(right);

    /// <summary>Whether two reports differ.</summary>
    public static bool operator !=(MarketplaceStreamProgress left, MarketplaceStreamProgress right) => !left.Equals(right);

    /// <summary>E.g. <c>250 of 10000 records</c>.</summary>
    public override string ToString() => $"{Received} of {Declared} records";
}
