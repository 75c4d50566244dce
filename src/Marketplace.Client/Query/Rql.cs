using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.Query;

/// <summary>
/// Builds RQL filter expressions, the platform's query language
/// (<c>eq ne gt ge lt le like ilike in out and or not any all</c>). String values are quoted for you by the
/// platform's rules (see <see cref="RqlValue"/>): <c>"</c>, or <c>'</c> when the value holds a <c>"</c>; RQL has no
/// escape character, so a value holding both quote kinds is refused with an <see cref="ArgumentException"/> that names
/// the field, when the expression is built.
/// </summary>
/// <remarks>
/// Field names are checked (letters, digits, <c>_ $ -</c> and dots between names); the generated <c>…Fields</c>
/// classes (e.g. <c>InstanceFields.Audit.Created.At</c>) name them for you. To match text literally use
/// <see cref="Contains"/>, <see cref="StartsWith"/> and <see cref="EndsWith"/>; <see cref="Like"/> and
/// <see cref="ILike"/> take a raw pattern with <c>*</c> as the wildcard.
/// </remarks>
/// <example><code>
/// var query = RqlQuery.Where(Rql.And(Rql.Eq("status", "Running"), Rql.Contains("name", "prod")))
///     .OrderByDescending("audit.created.at").Select("+audit");
/// </code></example>
public static class Rql
{
    /// <summary><c>eq(field,value)</c>: equal.</summary>
    public static RqlExpression Eq(string field, RqlValue value) => Compare("eq", field, value);

    /// <summary><c>ne(field,value)</c>: not equal.</summary>
    public static RqlExpression Ne(string field, RqlValue value) => Compare("ne", field, value);

    /// <summary><c>gt(field,value)</c>: greater than.</summary>
    public static RqlExpression Gt(string field, RqlValue value) => Compare("gt", field, value);

    /// <summary><c>ge(field,value)</c>: greater than or equal.</summary>
    public static RqlExpression Ge(string field, RqlValue value) => Compare("ge", field, value);

    /// <summary><c>lt(field,value)</c>: less than.</summary>
    public static RqlExpression Lt(string field, RqlValue value) => Compare("lt", field, value);

    /// <summary><c>le(field,value)</c>: less than or equal.</summary>
    public static RqlExpression Le(string field, RqlValue value) => Compare("le", field, value);

    /// <summary>
    /// <c>like(field,pattern)</c>: case-sensitive match of a raw pattern. A <c>*</c> at the start or end of
    /// <paramref name="pattern"/> is the wildcard (<c>*prod*</c> contains, <c>prod*</c> starts with, <c>*prod</c> ends with),
    /// <c>\*</c> there is a literal asterisk, and anywhere else <c>*</c> and <c>\</c> are ordinary characters.
    /// To match text that may itself start or end with <c>*</c>, use <see cref="Contains"/>, <see cref="StartsWith"/> or <see cref="EndsWith"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The pattern holds both quote kinds, or the field is not a field path.</exception>
    public static RqlExpression Like(string field, string pattern) => Compare("like", field, RqlValue.FromString(pattern));

    /// <summary><c>ilike(field,pattern)</c>: as <see cref="Like"/>, ignoring case.</summary>
    /// <exception cref="ArgumentException">The pattern holds both quote kinds, or the field is not a field path.</exception>
    public static RqlExpression ILike(string field, string pattern) => Compare("ilike", field, RqlValue.FromString(pattern));

    /// <summary>
    /// The field contains <paramref name="text"/>, taken literally (a <c>*</c> in it is an asterisk, not a wildcard):
    /// <c>like(field,"*text*")</c>, or <c>ilike</c> with <paramref name="ignoreCase"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The text holds both quote kinds or ends with a backslash (RQL would read <c>\*</c> as an escaped asterisk); the
    /// message names the field.
    /// </exception>
    public static RqlExpression Contains(string field, string text, bool ignoreCase = false) => TextMatch(field, text, RqlTextMatch.Contains, ignoreCase);

    /// <summary>
    /// The field starts with <paramref name="text"/>, taken literally: <c>like(field,"text*")</c> (a leading asterisk
    /// of the text is sent as <c>\*</c>), or <c>ilike</c> with <paramref name="ignoreCase"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The text holds both quote kinds, ends with a backslash, or starts with <c>\*</c> (none of which RQL can write
    /// in this position); the message names the field.
    /// </exception>
    public static RqlExpression StartsWith(string field, string text, bool ignoreCase = false) => TextMatch(field, text, RqlTextMatch.StartsWith, ignoreCase);

    /// <summary>
    /// The field ends with <paramref name="text"/>, taken literally: <c>like(field,"*text")</c> (a trailing asterisk of
    /// the text is sent as <c>\*</c>), or <c>ilike</c> with <paramref name="ignoreCase"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The text holds both quote kinds; the message names the field.</exception>
    public static RqlExpression EndsWith(string field, string text, bool ignoreCase = false) => TextMatch(field, text, RqlTextMatch.EndsWith, ignoreCase);

    /// <summary><c>in(field,(a,b,…))</c>: equal to one of the values.</summary>
    public static RqlExpression In(string field, IEnumerable<RqlValue> values) => List("in", field, values);

    /// <summary><c>in(field,(a,b,…))</c>: equal to one of the values.</summary>
    public static RqlExpression In(string field, params RqlValue[] values) => List("in", field, values);

    /// <summary><c>out(field,(a,b,…))</c>: equal to none of the values.</summary>
    public static RqlExpression Out(string field, IEnumerable<RqlValue> values) => List("out", field, values);

    /// <summary><c>out(field,(a,b,…))</c>: equal to none of the values.</summary>
    public static RqlExpression Out(string field, params RqlValue[] values) => List("out", field, values);

    /// <summary><c>and(a,b,…)</c>: all hold. One expression is returned as it is.</summary>
    public static RqlExpression And(params RqlExpression[] expressions) => RqlExpression.Combine("and", expressions);

    /// <summary><c>or(a,b,…)</c>: at least one holds. One expression is returned as it is.</summary>
    public static RqlExpression Or(params RqlExpression[] expressions) => RqlExpression.Combine("or", expressions);

    /// <summary><c>not(a)</c>: does not hold.</summary>
    public static RqlExpression Not(RqlExpression expression) =>
        RqlExpression.Call("not", (expression ?? throw new ArgumentNullException(nameof(expression))).ToString());

    /// <summary><c>any(collection,condition)</c>: at least one element of the collection field matches.</summary>
    public static RqlExpression Any(string collection, RqlExpression condition) => Quantifier("any", collection, condition);

    /// <summary><c>all(collection,condition)</c>: every element of the collection field matches.</summary>
    public static RqlExpression All(string collection, RqlExpression condition) => Quantifier("all", collection, condition);

    /// <summary><c>eq(field,null())</c>: the field is null or absent.</summary>
    public static RqlExpression IsNull(string field) => Eq(field, RqlValue.Null);

    /// <summary><c>eq(field,empty())</c>: the field is empty.</summary>
    public static RqlExpression IsEmpty(string field) => Eq(field, RqlValue.Empty);

    private static RqlExpression Compare(string op, string field, RqlValue value)
    {
        var checkedField = RqlExpression.Field(field);
        return RqlExpression.Call(op, checkedField, value.Render(checkedField, nameof(value)));
    }

    private static RqlExpression TextMatch(string field, string text, RqlTextMatch match, bool ignoreCase)
    {
        var checkedField = RqlExpression.Field(field);
        var pattern = RqlText.LiteralPattern(text, match, checkedField);
        return RqlExpression.Call(ignoreCase ? "ilike" : "like", checkedField, RqlText.Quote(pattern, checkedField, nameof(text)));
    }

    private static RqlExpression List(string op, string field, IEnumerable<RqlValue> values)
    {
        if (values is null) throw new ArgumentNullException(nameof(values));
        var checkedField = RqlExpression.Field(field);
        var rendered = values.Select(v => v.Render(checkedField, nameof(values))).ToList();
        if (rendered.Count == 0) throw new ArgumentException($"{op}() needs at least one value.", nameof(values));
        return RqlExpression.Call(op, checkedField, "(" + string.Join(",", rendered) + ")");
    }

    private static RqlExpression Quantifier(string op, string collection, RqlExpression condition) =>
        RqlExpression.Call(op, RqlExpression.Field(collection, nameof(collection)), (condition ?? throw new ArgumentNullException(nameof(condition))).ToString());
}
