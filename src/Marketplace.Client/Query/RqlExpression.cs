using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Marketplace.Client.Query;

/// <summary>An immutable RQL filter expression, e.g. <c>and(eq(status,"Running"),gt(revision,3))</c>. Build one with <see cref="Rql"/>.</summary>
public sealed class RqlExpression : IEquatable<RqlExpression>
{
    private static readonly Regex FieldPattern = new(@"^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$", RegexOptions.CultureInvariant);

    private readonly string _text;

    private RqlExpression(string text) => _text = text;

    internal static RqlExpression Call(string op, params string[] arguments) => new(op + "(" + string.Join(",", arguments) + ")");

    internal static RqlExpression Combine(string op, IEnumerable<RqlExpression> expressions)
    {
        if (expressions is null) throw new ArgumentNullException(nameof(expressions));
        var list = expressions.Select(e => e ?? throw new ArgumentException("An expression in the list is null.", nameof(expressions))).ToList();
        if (list.Count == 0) throw new ArgumentException($"{op}() needs at least one expression.", nameof(expressions));
        return list.Count == 1 ? list[0] : Call(op, list.Select(e => e._text).ToArray());
    }

    /// <summary>Checks that <paramref name="field"/> is a field path (<c>status</c>, <c>audit.created.at</c>) and returns it.</summary>
    /// <exception cref="ArgumentException">It is empty or holds anything but letters, digits, <c>_</c>, <c>$</c>, <c>-</c> and dots between names.</exception>
    internal static string Field(string field, string parameterName = "field")
    {
        if (field is null || !FieldPattern.IsMatch(field))
            throw new ArgumentException($"'{field}' is not an RQL field path (letters, digits, _, $, - and dots between names).", parameterName);
        return field;
    }

    /// <summary>The expression as it goes into the query string (before percent-encoding).</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(RqlExpression? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RqlExpression);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);
}
