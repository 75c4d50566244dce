using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Marketplace.Client.Query;

/// <summary>
/// An immutable list query: an RQL filter, <c>order</c> and <c>select</c>. Every method returns a new query.
/// Paging (<c>limit</c>, <c>offset</c>) is not part of it: the list methods own that.
/// </summary>
/// <example><code>
/// RqlQuery.Where(Rql.Eq("status", "Running")).OrderByDescending("audit.created.at").Select("+audit")
/// // renders: eq(status,%22Running%22)&amp;order=-audit.created.at&amp;select=%2Baudit
/// </code></example>
public sealed class RqlQuery : IEquatable<RqlQuery>
{
    /// <summary>The query that filters, orders and selects nothing.</summary>
    public static RqlQuery All { get; } = new(null, Array.Empty<string>(), Array.Empty<string>());

    // Never mutated after construction: every method builds new arrays.
    private readonly string[] _order;
    private readonly string[] _select;

    // Rendered once: ListAll…Async sends the same query with every page, and Equals/GetHashCode compare renderings.
    private string? _queryString;

    private RqlQuery(RqlExpression? filter, string[] order, string[] select)
    {
        Filter = filter;
        _order = order;
        _select = select;
    }

    /// <summary>The filter, or <see langword="null"/>.</summary>
    public RqlExpression? Filter { get; }

    /// <summary>The sort keys, each <c>field</c> or <c>-field</c>.</summary>
    public IReadOnlyList<string> Order => _order;

    /// <summary>The field selection, each <c>+field</c> (add an omitted field) or <c>-field</c> (leave one out).</summary>
    public IReadOnlyList<string> Selection => _select;

    /// <summary>A query with only <paramref name="filter"/>.</summary>
    public static RqlQuery Where(RqlExpression filter) => All.And(filter);

    /// <summary>This query with <paramref name="filter"/> added (combined with <c>and</c>).</summary>
    public RqlQuery And(RqlExpression filter)
    {
        if (filter is null) throw new ArgumentNullException(nameof(filter));
        return new RqlQuery(Filter is null ? filter : Rql.And(Filter, filter), _order, _select);
    }

    /// <summary>This query, sorted by <paramref name="field"/> ascending after any earlier sort keys.</summary>
    public RqlQuery OrderBy(string field) => new(Filter, _order.Append(RqlExpression.Field(field)).ToArray(), _select);

    /// <summary>This query, sorted by <paramref name="field"/> descending after any earlier sort keys.</summary>
    public RqlQuery OrderByDescending(string field) => new(Filter, _order.Append("-" + RqlExpression.Field(field)).ToArray(), _select);

    /// <summary>
    /// This query with fields selected: <c>+audit</c> adds a field the API omits by default (see <c>$meta.omitted</c>),
    /// <c>-field</c> leaves one out, a bare name selects it. Filtering or sorting on <c>audit.*</c> needs <c>+audit</c> too.
    /// </summary>
    public RqlQuery Select(params string[] fields)
    {
        if (fields is null) throw new ArgumentNullException(nameof(fields));
        var checkedFields = fields.Select(f => f is { Length: > 1 } && (f[0] == '+' || f[0] == '-')
            ? f[0] + RqlExpression.Field(f.Substring(1), nameof(fields))
            : RqlExpression.Field(f, nameof(fields)));
        return new RqlQuery(Filter, _order, _select.Concat(checkedFields).ToArray());
    }

    /// <summary>
    /// The query string (without <c>?</c>): the filter first, then <c>order=</c> and <c>select=</c>, percent-encoded
    /// where a URL requires it (RQL's own <c>( ) , ' *</c> stay readable). Empty for <see cref="All"/>.
    /// </summary>
    public string ToQueryString() => _queryString ??= Render();

    private string Render()
    {
        var parts = new List<string>(3);
        if (Filter is not null) parts.Add(Encode(Filter.ToString()));
        if (_order.Length > 0) parts.Add("order=" + Encode(string.Join(",", _order)));
        if (_select.Length > 0) parts.Add("select=" + Encode(string.Join(",", _select)));
        return string.Join("&", parts);
    }

    /// <summary>The same as <see cref="ToQueryString"/>.</summary>
    public override string ToString() => ToQueryString();

    /// <inheritdoc />
    public bool Equals(RqlQuery? other) => other is not null && ToQueryString() == other.ToQueryString();

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RqlQuery);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToQueryString());

    // Unreserved characters and RQL's syntax stay as they are; everything else (& = + # % space, non-ASCII …) is
    // percent-encoded as UTF-8, so a value can neither end the query parameter nor be read as another one.
    private static string Encode(string text)
    {
        var encoded = new StringBuilder(text.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~' or '(' or ')' or ',' or '\'' or '*' or ':')
                encoded.Append(c);
            else
                encoded.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }
}
