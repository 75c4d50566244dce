using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Marketplace.Client.Query;
using Microsoft.FSharp.Core;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Client.Tests.Query;

/// <summary>
/// Arbitrary text through every operator, read back by <see cref="RqlReader"/> (the documented rules, not the client's
/// code): the server must see exactly the value given, or the client must refuse it before anything is sent, exactly
/// when the rules cannot carry it. Seeded, so a failure reproduces; the seed is printed.
/// </summary>
public class RqlPropertyTests
{
    private const ulong Seed = 20261124;
    private const int Values = 10_000;

    // What the rules are about, weighted well above ordinary letters so that every edge case comes up often.
    private static readonly string[] Pieces =
    {
        "\"", "'", "\\", "*", "%", "+", "&", "#", "=", "(", ")", ",", ";", "|", " ", "?", "/", ":",
        "\0", "\t", "\n", "\u007f", "\u0085", "ü", "€", "中", "😀", "𝄞", "a", "Z", "7", "-", ".", "_", "~",
    };

    private readonly ITestOutputHelper _output;

    public RqlPropertyTests(ITestOutputHelper output) => _output = output;

    private static Arbitrary<string> Texts() =>
        Gen.Frequency(
                (9, Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts))),
                (1, Gen.Elements(Pieces).Select(piece => piece)))
            .ToArbitrary();

    private static Config Configuration() =>
        Config.QuickThrowOnFailure
            .WithMaxTest(Values)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed), FSharpOption<int>.None)));

    [Fact]
    public void Every_comparison_carries_any_text_exactly_or_refuses_it_exactly_when_it_holds_both_quote_kinds()
    {
        _output.WriteLine($"FsCheck seed {Seed}, {Values} values");
        var comparisons = new (string Name, Func<string, string, RqlExpression> Build)[]
        {
            ("eq", (f, t) => Rql.Eq(f, t)), ("ne", (f, t) => Rql.Ne(f, t)), ("gt", (f, t) => Rql.Gt(f, t)),
            ("ge", (f, t) => Rql.Ge(f, t)), ("lt", (f, t) => Rql.Lt(f, t)), ("le", (f, t) => Rql.Le(f, t)),
            ("like", Rql.Like), ("ilike", Rql.ILike),
        };

        Check.One(Configuration(), Prop.ForAll(Texts(), text =>
        {
            var unquotable = text.Contains('"') && text.Contains('\'');
            foreach (var (name, build) in comparisons)
            {
                if (unquotable)
                {
                    var error = Assert.Throws<ArgumentException>(() => build("account.name", text));
                    Assert.Contains("'account.name'", error.Message, StringComparison.Ordinal);
                    continue;
                }
                var call = ReadFilter(RqlQuery.Where(build("account.name", text)));
                Assert.Equal(name, call.Name);
                Assert.Equal(new RqlReader.Bare("account.name"), call.Arguments[0]);
                Assert.Equal(text, Assert.IsType<RqlReader.Quoted>(call.Arguments[1]).Text);
            }

            foreach (var (name, build) in new (string, Func<string, RqlValue[], RqlExpression>)[] { ("in", Rql.In), ("out", Rql.Out) })
            {
                if (unquotable)
                {
                    Assert.Throws<ArgumentException>(() => build("id", new RqlValue[] { "INS-1", text }));
                    continue;
                }
                var call = ReadFilter(RqlQuery.Where(build("id", new RqlValue[] { "INS-1", text })));
                Assert.Equal(name, call.Name);
                var values = Assert.IsType<RqlReader.Group>(call.Arguments[1]).Items;
                Assert.Equal(new[] { "INS-1", text }, values.Select(v => Assert.IsType<RqlReader.Quoted>(v).Text));
            }
            return true;
        }));
    }

    [Fact]
    public void Contains_starts_with_and_ends_with_match_any_text_literally_or_refuse_what_rql_cannot_write()
    {
        _output.WriteLine($"FsCheck seed {Seed}, {Values} values");
        var matches = new (RqlReader.Match Match, Func<string, string, bool, RqlExpression> Build)[]
        {
            (RqlReader.Match.Contains, Rql.Contains), (RqlReader.Match.StartsWith, Rql.StartsWith), (RqlReader.Match.EndsWith, Rql.EndsWith),
        };

        Check.One(Configuration(), Prop.ForAll(Texts(), text =>
        {
            foreach (var (match, build) in matches)
            {
                foreach (var ignoreCase in new[] { false, true })
                {
                    // The documented rules leave exactly these out: both quote kinds (no escape character); a text
                    // ending in \ before the trailing wildcard (it would read as \*); a text starting with \* at the
                    // start of a pattern (read as an escaped asterisk).
                    var expressible = !(text.Contains('"') && text.Contains('\''))
                        && !(match != RqlReader.Match.EndsWith && text.EndsWith('\\'))
                        && !(match == RqlReader.Match.StartsWith && text.StartsWith("\\*", StringComparison.Ordinal));
                    if (!expressible)
                    {
                        var error = Assert.Throws<ArgumentException>(() => build("name", text, ignoreCase));
                        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
                        continue;
                    }

                    var call = ReadFilter(RqlQuery.Where(build("name", text, ignoreCase)));
                    Assert.Equal(ignoreCase ? "ilike" : "like", call.Name);
                    var (read, literal) = RqlReader.ReadPattern(Assert.IsType<RqlReader.Quoted>(call.Arguments[1]).Text);
                    // An empty part, prefix or suffix all mean "any value"; the client sends them as contains-nothing.
                    Assert.Equal(text.Length == 0 ? (RqlReader.Match.Contains, "") : (match, text), (read, literal));
                }
            }
            return true;
        }));
    }

    [Fact]
    public void Order_and_select_reach_the_server_as_written()
    {
        var query = RqlQuery.Where(Rql.Eq("name", "a+b&c=d")).OrderByDescending("audit.created.at").OrderBy("name").Select("+audit", "-meta");

        var parts = RqlReader.DecodeQuery(query.ToQueryString());

        Assert.Equal(new[] { "eq(name,\"a+b&c=d\")", "order=-audit.created.at,name", "select=+audit,-meta" }, parts);
    }

    private static RqlReader.Call ReadFilter(RqlQuery query)
    {
        var parts = RqlReader.DecodeQuery(query.ToQueryString());
        Assert.Single(parts);
        return Assert.IsType<RqlReader.Call>(RqlReader.Parse(parts[0]));
    }
}
