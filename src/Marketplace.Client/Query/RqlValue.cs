using System;
using System.Globalization;
using System.Text;

namespace Marketplace.Client.Query;

/// <summary>
/// A value in an RQL expression, rendered the way the API expects: strings quoted with <c>'</c> (a quote or
/// backslash inside escaped with <c>\</c>, so no value can end the string early and inject an expression),
/// numbers and booleans bare, dates as ISO 8601 UTC, and the markers <see cref="Null"/> and <see cref="Empty"/>.
/// Converts implicitly from <see cref="string"/>, the numeric types, <see cref="bool"/> and <see cref="DateTimeOffset"/>.
/// </summary>
public readonly struct RqlValue : IEquatable<RqlValue>
{
    private readonly string? _rendered;

    private RqlValue(string rendered) => _rendered = rendered;

    /// <summary>The <c>null()</c> marker: <c>Rql.Eq("channel", RqlValue.Null)</c> matches a missing or null field.</summary>
    public static RqlValue Null { get; } = new("null()");

    /// <summary>The <c>empty()</c> marker: matches an empty string or collection.</summary>
    public static RqlValue Empty { get; } = new("empty()");

    /// <summary>A string value, quoted and escaped.</summary>
    /// <param name="value">Any text; quotes, commas, parentheses and spaces are safe.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (use <see cref="Null"/>).</exception>
    public static RqlValue FromString(string value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value), "Use RqlValue.Null to match a null field.");
        var quoted = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\\') quoted.Append('\\');
            quoted.Append(c);
        }
        return new RqlValue(quoted.Append('\'').ToString());
    }

    /// <summary>The value of an extensible enum (or anything else) by its string form, e.g. <c>RqlValue.Of(InstanceStatus.Running)</c>.</summary>
    /// <param name="value">A value whose <see cref="object.ToString"/> is its wire form.</param>
    public static RqlValue Of(object value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "Use RqlValue.Null to match a null field."),
        RqlValue rql => rql,
        string text => FromString(text),
        bool flag => flag,
        int number => number,
        long number => number,
        short number => (int)number,
        byte number => (int)number,
        decimal number => number,
        double number => number,
        float number => (double)number,
        DateTimeOffset at => at,
        DateTime at => new DateTimeOffset(at.ToUniversalTime()),
        _ => FromString(value.ToString() ?? string.Empty),
    };

    /// <summary>A quoted string.</summary>
    public static implicit operator RqlValue(string value) => FromString(value);

    /// <summary>A bare integer.</summary>
    public static implicit operator RqlValue(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare integer.</summary>
    public static implicit operator RqlValue(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare decimal number.</summary>
    public static implicit operator RqlValue(decimal value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare number (round-trip precision).</summary>
    public static implicit operator RqlValue(double value) => new(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static implicit operator RqlValue(bool value) => new(value ? "true" : "false");

    /// <summary>An ISO 8601 instant in UTC, e.g. <c>2025-03-14T09:26:53.123Z</c>.</summary>
    public static implicit operator RqlValue(DateTimeOffset value) =>
        new(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>The value as it appears in an RQL expression.</summary>
    public override string ToString() => _rendered ?? "null()";

    /// <inheritdoc />
    public bool Equals(RqlValue other) => string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RqlValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>Whether two values render the same.</summary>
    public static bool operator ==(RqlValue left, RqlValue right) => left.Equals(right);

    /// <summary>Whether two values render differently.</summary>
    public static bool operator !=(RqlValue left, RqlValue right) => !left.Equals(right);
}
