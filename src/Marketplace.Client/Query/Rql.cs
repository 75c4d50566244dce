using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.Query;

/// <summary>
/// Builds RQL filter expressions, the platform's query language
/// (<c>eq ne gt ge lt le like ilike in out and or not any all</c>). Values are quoted and escaped for you.
/// </summary>
/// <example><code>
/// var query = RqlQuery.Where(Rql.And(Rql.Eq("status", "Running"), Rql.Like("name", "*prod*")))
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

    /// <summary><c>like(field,pattern)</c>: case-sensitive match; <c>*</c> in <paramref name="pattern"/> is the wildcard.</summary>
    public static RqlExpression Like(string field, string pattern) => Compare("like", field, RqlValue.FromString(pattern));

    /// <summary><c>ilike(field,pattern)</c>: case-insensitive match; <c>*</c> in <paramref name="pattern"/> is the wildcard.</summary>
    public static RqlExpression ILike(string field, string pattern) => Compare("ilike", field, RqlValue.FromString(pattern));

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

    private static RqlExpression Compare(string op, string field, RqlValue value) =>
        RqlExpression.Call(op, RqlExpression.Field(field), value.ToString());

    private static RqlExpression List(string op, string field, IEnumerable<RqlValue> values)
    {
        if (values is null) throw new ArgumentNullException(nameof(values));
        var rendered = values.Select(v => v.ToString()).ToList();
        if (rendered.Count == 0) throw new ArgumentException($"{op}() needs at least one value.", nameof(values));
        return RqlExpression.Call(op, RqlExpression.Field(field), "(" + string.Join(",", rendered) + ")");
    }

    private static RqlExpression Quantifier(string op, string collection, RqlExpression condition) =>
        RqlExpression.Call(op, RqlExpression.Field(collection, nameof(collection)), (condition ?? throw new ArgumentNullException(nameof(condition))).ToString());
}
