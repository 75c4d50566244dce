using System;
using Marketplace.Client.Query;
using Xunit;

namespace Marketplace.Client.Tests.Query;

/// <summary>The rendered RQL is pinned character for character: this is what the server parses.</summary>
public class RqlTests
{
    [Theory]
    [InlineData("eq", "eq(status,\"Running\")")]
    [InlineData("ne", "ne(status,\"Running\")")]
    [InlineData("gt", "gt(status,\"Running\")")]
    [InlineData("ge", "ge(status,\"Running\")")]
    [InlineData("lt", "lt(status,\"Running\")")]
    [InlineData("le", "le(status,\"Running\")")]
    public void Comparisons_quote_string_values(string op, string expected)
    {
        Func<string, RqlValue, RqlExpression> build = op switch
        {
            "eq" => Rql.Eq, "ne" => Rql.Ne, "gt" => Rql.Gt, "ge" => Rql.Ge, "lt" => Rql.Lt, _ => Rql.Le,
        };

        Assert.Equal(expected, build("status", "Running").ToString());
    }

    [Fact]
    public void Values_of_other_types_render_bare_or_in_iso_8601()
    {
        Assert.Equal("gt(revision,3)", Rql.Gt("revision", 3).ToString());
        Assert.Equal("eq(settings.paid,false)", Rql.Eq("settings.paid", false).ToString());
        Assert.Equal("le(price,12.50)", Rql.Le("price", 12.50m).ToString());
        Assert.Equal("ge(audit.created.at,2025-03-14T09:26:53.123Z)",
            Rql.Ge("audit.created.at", new DateTimeOffset(2025, 3, 14, 10, 26, 53, 123, TimeSpan.FromHours(1))).ToString());
        Assert.Equal("eq(status,\"Running\")", Rql.Eq("status", RqlValue.Of(InstanceStatus.Running)).ToString());
    }

    // RQL has no escape character: " by default, ' when the value holds a ", and nothing inside is changed.
    [Theory]
    [InlineData("My name", "eq(name,\"My name\")")]
    [InlineData("a,b(c)d", "eq(name,\"a,b(c)d\")")]
    [InlineData("O'Brien", "eq(name,\"O'Brien\")")]
    [InlineData("say \"hi\"", "eq(name,'say \"hi\"')")]
    [InlineData("back\\slash", "eq(name,\"back\\slash\")")]
    [InlineData("\"),or(eq(id,\"x", "eq(name,'\"),or(eq(id,\"x')")]
    [InlineData("'),or(eq(id,'x", "eq(name,\"'),or(eq(id,'x\")")]
    [InlineData("", "eq(name,\"\")")]
    public void Values_are_quoted_by_the_platforms_rules(string value, string expected)
    {
        Assert.Equal(expected, Rql.Eq("name", value).ToString());
    }

    [Fact]
    public void A_value_holding_both_quote_kinds_is_refused_naming_the_field()
    {
        var error = Assert.Throws<ArgumentException>(() => Rql.Eq("account.name", "it's \"both\""));

        Assert.Equal("value", error.ParamName);
        Assert.Contains("'account.name'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no escape character", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Rql.In("name", "ok", "it's \"both\""));
        Assert.Throws<ArgumentException>(() => Rql.Like("name", "*'\"*"));
        Assert.Throws<ArgumentException>(() => Rql.Contains("name", "'\""));
    }

    [Theory]
    [InlineData("50%*", "like(name,\"*50%**\")")]
    [InlineData("*vip", "like(name,\"**vip*\")")]
    [InlineData("O'B", "like(name,\"*O'B*\")")]
    [InlineData("", "like(name,\"**\")")]
    public void Contains_takes_the_text_literally(string text, string expected)
    {
        Assert.Equal(expected, Rql.Contains("name", text).ToString());
        Assert.Equal("i" + expected, Rql.Contains("name", text, ignoreCase: true).ToString());
    }

    [Theory]
    [InlineData("*vip", "like(name,\"\\*vip*\")")]
    [InlineData("vip*", "like(name,\"vip**\")")]
    [InlineData("back\\slash", "like(name,\"back\\slash*\")")]
    public void Starts_with_takes_the_text_literally(string text, string expected)
    {
        Assert.Equal(expected, Rql.StartsWith("name", text).ToString());
    }

    [Theory]
    [InlineData("vip*", "like(name,\"*vip\\*\")")]
    [InlineData("*vip", "like(name,\"**vip\")")]
    [InlineData("\\", "like(name,\"*\\\")")]
    public void Ends_with_takes_the_text_literally(string text, string expected)
    {
        Assert.Equal(expected, Rql.EndsWith("name", text).ToString());
    }

    [Fact]
    public void Text_that_rql_cannot_match_literally_is_refused_naming_the_field()
    {
        // A trailing backslash before the wildcard would read as \* (an escaped asterisk); a leading \* loses its backslash.
        var error = Assert.Throws<ArgumentException>(() => Rql.Contains("name", "C:\\"));
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
        Assert.Equal("text", error.ParamName);
        Assert.Throws<ArgumentException>(() => Rql.StartsWith("name", "C:\\"));
        Assert.Throws<ArgumentException>(() => Rql.StartsWith("name", "\\*x"));
        Assert.Equal("like(name,\"*C:\\\")", Rql.EndsWith("name", "C:\\").ToString());
        Assert.Throws<ArgumentException>(() => Rql.Eq("name", "\ud800 lone surrogate"));
    }

    [Fact]
    public void Patterns_lists_and_markers()
    {
        Assert.Equal("like(name,\"*vip*\")", Rql.Like("name", "*vip*").ToString());
        Assert.Equal("ilike(name,\"*VIP*\")", Rql.ILike("name", "*VIP*").ToString());
        Assert.Equal("in(id,(\"INS-1\",\"INS-2\"))", Rql.In("id", "INS-1", "INS-2").ToString());
        Assert.Equal("out(status,(\"Deleted\",\"Disconnected\"))", Rql.Out("status", "Deleted", "Disconnected").ToString());
        Assert.Equal("eq(channel,null())", Rql.IsNull("channel").ToString());
        Assert.Equal("eq(externalId,empty())", Rql.IsEmpty("externalId").ToString());
    }

    [Fact]
    public void Logical_operators_nest()
    {
        var expression = Rql.And(
            Rql.Or(Rql.Eq("status", "Running"), Rql.Eq("status", "Connecting")),
            Rql.Not(Rql.Eq("externalId", RqlValue.Null)),
            Rql.Any("modules", Rql.Eq("id", "MOD-2222-2222")),
            Rql.All("terms", Rql.Ne("accepted", RqlValue.Null)));

        Assert.Equal(
            "and(or(eq(status,\"Running\"),eq(status,\"Connecting\")),not(eq(externalId,null())),any(modules,eq(id,\"MOD-2222-2222\")),all(terms,ne(accepted,null())))",
            expression.ToString());
        Assert.Equal("eq(a,1)", Rql.And(Rql.Eq("a", 1)).ToString());
    }

    [Theory]
    [InlineData("status)&limit=(")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("'name'")]
    public void A_field_that_is_not_a_field_path_is_refused(string field)
    {
        var error = Assert.Throws<ArgumentException>(() => Rql.Eq(field, 1));

        Assert.Equal("field", error.ParamName);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Rql.Eq("name", (string)null!));
        Assert.Throws<ArgumentException>(() => Rql.In("id"));
        Assert.Throws<ArgumentException>(() => Rql.And());
        Assert.Throws<ArgumentException>(() => RqlQuery.All.Select("+"));
    }

    [Fact]
    public void A_query_renders_filter_order_and_select_percent_encoded_for_the_url()
    {
        var query = RqlQuery.Where(Rql.Eq("status", "Running"))
            .And(Rql.Eq("name", "R&D #1 = 100% +x ü"))
            .OrderByDescending("audit.created.at")
            .OrderBy("name")
            .Select("+audit", "-meta");

        Assert.Equal(
            "and(eq(status,%22Running%22),eq(name,%22R%26D%20%231%20%3D%20100%25%20%2Bx%20%C3%BC%22))&order=-audit.created.at,name&select=%2Baudit,-meta",
            query.ToQueryString());
    }

    [Fact]
    public void Queries_are_immutable()
    {
        var running = RqlQuery.Where(Rql.Eq("status", "Running"));

        var ordered = running.OrderBy("name");

        Assert.Equal("eq(status,%22Running%22)", running.ToQueryString());
        Assert.Equal("eq(status,%22Running%22)&order=name", ordered.ToQueryString());
        Assert.Equal("", RqlQuery.All.ToQueryString());
        Assert.Equal(RqlQuery.Where(Rql.Eq("status", "Running")), running);
    }
}
