using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.Testing;

/// <summary>
/// A query the stand-in refuses as the platform does: answered with 400 problem details whose detail is this message
/// (it names the problem and where it is).
/// </summary>
internal sealed class TestServerQueryException : Exception
{
    public TestServerQueryException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The platform's RQL read into a tree (../shared/API-FACTS.md, "Query language", and its parser, Mpt.Rql):
/// <c>name(arguments)</c> calls, the <c>field=value</c> shortcut, <c>,</c>/<c>&amp;</c> as and and <c>;</c>/<c>|</c> as or
/// (and binding tighter), parentheses for grouping, and values bare or quoted with <c>"</c> or <c>'</c>: a quoted value
/// ends at the next quote of its own kind, there is no escape character. Operator names are read case-insensitively.
/// What the platform refuses is refused here, naming the problem and its position: an unbalanced parenthesis, an
/// unterminated quote, text after a quoted value, a missing value, an unknown operator, a call with the wrong arguments.
/// </summary>
internal static class TestServerRql
{
    /// <summary>A value or name: <c>status</c>, <c>3</c>, <c>"Running"</c> (quoted, without its quotes).</summary>
    internal sealed record Word(string Text, bool Quoted, int Position) : Node(Position);

    /// <summary>A call, <c>eq(status,"Running")</c>; a bare group <c>(a,b)</c> has the empty name.</summary>
    internal sealed record Call(string Name, IReadOnlyList<Node> Arguments, IReadOnlyList<bool> OrBefore, int Position) : Node(Position);

    internal abstract record Node(int Position);

    /// <summary>The filter as one expression (a top-level sequence is reduced: and binds tighter than or).</summary>
    /// <exception cref="TestServerQueryException">The text is not RQL the platform reads.</exception>
    public static Node Parse(string text)
    {
        var reader = new Reader(text);
        var (items, orBefore) = reader.Sequence(topLevel: true);
        return items.Count == 1 ? items[0] : new Call("", items, orBefore, 0);
    }

    private static readonly bool[] TwoAnds = { false, false };

    /// <summary>How deep calls and groups may nest: deeper is refused, so no query can exhaust the server's stack.</summary>
    internal const int MaxDepth = 64;

    private sealed class Reader
    {
        private readonly string _text;
        private int _at;
        private int _depth;

        public Reader(string text) => _text = text;

        // Items separated by , & (and) or ; | (or), up to the end (top level) or the ')' that closes the call.
        public (List<Node> Items, List<bool> OrBefore) Sequence(bool topLevel)
        {
            var items = new List<Node>();
            var orBefore = new List<bool>();
            var or = false;
            while (true)
            {
                var item = Item();
                items.Add(item);
                orBefore.Add(or);
                SkipSpace();
                if (_at == _text.Length) return (items, orBefore);
                var c = _text[_at];
                if (c == ')')
                {
                    if (topLevel) throw Error($"unbalanced parentheses: the ')' at position {_at} closes nothing");
                    return (items, orBefore);
                }
                if (c is ',' or '&') or = false;
                else if (c is ';' or '|') or = true;
                else throw Error($"unexpected '{c}' at position {_at}");
                _at++;
            }
        }

        // A call, a group, a quoted or bare value, or field=value.
        private Node Item()
        {
            SkipSpace();
            var start = _at;
            Node item;
            if (_at < _text.Length && _text[_at] is '"' or '\'')
            {
                item = Quoted();
            }
            else
            {
                var name = Bare();
                if (_at < _text.Length && _text[_at] is '"' or '\'')
                    throw Error($"a quote at position {_at} inside the unquoted value '{name}': quote the whole value");
                if (_at < _text.Length && _text[_at] == '(')
                {
                    var open = _at++;
                    if (++_depth > MaxDepth) throw Error($"the query nests deeper than {MaxDepth} levels at position {open}");
                    var empty = Peek() == ')';
                    var (arguments, orBefore) = empty ? (new List<Node>(), new List<bool>()) : Sequence(topLevel: false);
                    if (_at == _text.Length) throw Error($"unbalanced parentheses: the '(' at position {open} is never closed");
                    _at++; // ')'
                    _depth--;
                    item = new Call(name.ToLowerInvariant(), arguments, orBefore, start);
                }
                else
                {
                    if (name.Length == 0) throw Error(_at == _text.Length ? $"an expression or value is missing at the end (position {_at})" : $"an expression or value is missing at position {_at}");
                    item = new Word(name, Quoted: false, start);
                }
            }
            SkipSpace();
            if (Peek() != '=') return item;

            // field=value: the platform's shortcut for eq(field,value).
            var equals = _at++;
            if (item is not Word { Quoted: false } field) throw Error($"the '=' at position {equals} must follow a field name");
            var value = Item();
            if (value is Call call && call.Name is not ("null" or "empty"))
                throw Error($"the value of '{field.Text}=' at position {equals} must be a value, null() or empty(), not {call.Name}(…)");
            return new Call("eq", new[] { field, value }, TwoAnds, field.Position);
        }

        private Word Quoted()
        {
            var quote = _text[_at];
            var open = _at;
            var close = _text.IndexOf(quote, open + 1);
            if (close < 0) throw Error($"unterminated quote: the {quote} at position {open} is never closed");
            _at = close + 1;
            SkipSpace();
            if (_at < _text.Length && _text[_at] is not (',' or '&' or ';' or '|' or ')' or '='))
                throw Error($"unexpected text after the quoted value at position {_at} (a quoted value ends at the next {quote}; RQL has no escape character)");
            return new Word(_text.Substring(open + 1, close - open - 1), Quoted: true, open);
        }

        private string Bare()
        {
            var start = _at;
            while (_at < _text.Length && _text[_at] is not ('(' or ')' or ',' or '&' or ';' or '|' or '=' or '"' or '\'')) _at++;
            return _text.Substring(start, _at - start).Trim();
        }

        private char Peek()
        {
            SkipSpace();
            return _at < _text.Length ? _text[_at] : '\0';
        }

        private void SkipSpace()
        {
            while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
        }

        private static TestServerQueryException Error(string problem) => new(problem);
    }

    /// <summary>A field path as RQL writes it (<c>audit.created.at</c>), checked, split into its names.</summary>
    /// <exception cref="TestServerQueryException">It is not (see <see cref="IsPath"/>).</exception>
    internal static string[] Path(string text, string where) =>
        IsPath(text) ? text.Split('.') : throw new TestServerQueryException($"'{text}' is not a field path ({where})");

    /// <summary>Whether <paramref name="text"/> is names of letters, digits, <c>_ $ -</c> joined by single dots.</summary>
    internal static bool IsPath(string text) =>
        text.Length > 0 && text.Split('.').All(s => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c is '_' or '$' or '-'));
}
