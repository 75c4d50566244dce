using System;
using System.Globalization;

namespace Marketplace.Client.Query;

/// <summary>
/// A value in an RQL expression, rendered the way the platform's RQL parser reads it: strings quoted, numbers and
/// booleans bare, dates as ISO 8601 UTC with milliseconds, and the markers <see cref="Null"/> and <see cref="Empty"/>.
/// Converts implicitly from <see cref="string"/>, the numeric types, <see cref="bool"/> and <see cref="DateTimeOffset"/>.
/// </summary>
/// <remarks>
/// <para>
/// RQL has no escape character: a quoted string ends at the next occurrence of its own quote character, and a
/// backslash is an ordinary character. So a string is wrapped in <c>"</c>, or in <c>'</c> when it holds a <c>"</c>;
/// nothing inside it is changed. A string that holds both <c>"</c> and <c>'</c> cannot be written in RQL at all:
/// building an expression with one (<see cref="Rql.Eq"/> and the others) throws an <see cref="ArgumentException"/>
/// that names the field, before anything is sent.
/// </para>
/// <para>
/// Strings are always quoted, never sent bare: a bare value that happens to be a field path (<c>eq(name,status)</c>)
/// would compare two fields.
/// </para>
/// </remarks>
public readonly struct RqlValue : IEquatable<RqlValue>
{
    // A string value keeps its text and is quoted when an expression is built (the field's name goes into the
    // error when it cannot be quoted); every other value is rendered once, here.
    private readonly string? _text;
    private readonly string? _rendered;

    private RqlValue(string? text, string? rendered)
    {
        _text = text;
        _rendered = rendered;
    }

    /// <summary>The <c>null()</c> marker: <c>Rql.Eq("channel", RqlValue.Null)</c> matches a missing or null field.</summary>
    public static RqlValue Null { get; } = new(null, "null()");

    /// <summary>The <c>empty()</c> marker: matches an empty string or collection.</summary>
    public static RqlValue Empty { get; } = new(null, "empty()");

    /// <summary>A string value: quoted with <c>"</c>, or with <c>'</c> when it holds a <c>"</c>; nothing inside is escaped.</summary>
    /// <param name="value">
    /// Any text that does not hold both quote kinds; commas, parentheses, backslashes, <c>*</c>, <c>&amp;</c>,
    /// <c>+</c>, <c>%</c>, spaces and non-ASCII are all safe.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (use <see cref="Null"/>).</exception>
    public static RqlValue FromString(string value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value), "Use RqlValue.Null to match a null field.");
        return new RqlValue(value, null);
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
    public static implicit operator RqlValue(int value) => new(null, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare integer.</summary>
    public static implicit operator RqlValue(long value) => new(null, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare decimal number.</summary>
    public static implicit operator RqlValue(decimal value) => new(null, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bare number (round-trip precision).</summary>
    public static implicit operator RqlValue(double value) => new(null, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static implicit operator RqlValue(bool value) => new(null, value ? "true" : "false");

    /// <summary>An ISO 8601 instant in UTC with milliseconds, e.g. <c>2025-03-14T09:26:53.123Z</c>.</summary>
    public static implicit operator RqlValue(DateTimeOffset value) =>
        new(null, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Whether this is a string value (quoted when rendered), as opposed to a number, boolean, date or marker.</summary>
    public bool IsString => _text is not null;

    /// <summary>
    /// The value as it appears in an RQL expression, e.g. <c>"O'Brien"</c>. A string holding both quote kinds has no
    /// RQL form; it is shown here between <c>«»</c> for diagnostics, and no expression can be built with it.
    /// </summary>
    public override string ToString() =>
        _text is null ? _rendered ?? "null()" : RqlText.TryQuote(_text, out var quoted) ? quoted : "«" + _text + "»";

    // The rendering inside an expression on `field`; a string that RQL cannot carry is refused here, naming the field.
    internal string Render(string field, string parameterName) => _text is null ? _rendered ?? "null()" : RqlText.Quote(_text, field, parameterName);

    /// <inheritdoc />
    public bool Equals(RqlValue other) =>
        string.Equals(_text, other._text, StringComparison.Ordinal) && string.Equals(_rendered, other._rendered, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RqlValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text ?? _rendered ?? "null()");

    /// <summary>Whether two values are the same value of the same kind.</summary>
    public static bool operator ==(RqlValue left, RqlValue right) => left.Equals(right);

    /// <summary>Whether two values differ.</summary>
    public static bool operator !=(RqlValue left, RqlValue right) => !left.Equals(right);
}
