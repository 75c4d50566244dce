using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Marketplace.Client.Tests.Query;

/// <summary>
/// Reads a query string the way the platform does, written from its documented rules (../shared/API-FACTS.md, RQL),
/// not from the client's code: the raw query is split at <c>&amp;</c>, each part URL-decoded as ASP.NET Core does
/// (<c>+</c> is a space, <c>%XX</c> UTF-8 bytes); an expression is <c>name(arg,…)</c>; a quoted value starts with
/// <c>"</c> or <c>'</c> and ends at the next occurrence of the same character, with no escape character; a bare value
/// ends at <c>,</c> or <c>)</c>. Anything else is an error, as it would be a 400 on the platform.
/// </summary>
internal static class RqlReader
{
    internal abstract record Node;

    internal sealed record Call(string Name, IReadOnlyList<Node> Arguments) : Node;

    internal sealed record Group(IReadOnlyList<Node> Items) : Node;

    internal sealed record Quoted(string Text, char Quote) : Node;

    internal sealed record Bare(string Text) : Node;

    /// <summary>The decoded parts of a query string, in order.</summary>
    internal static IReadOnlyList<string> DecodeQuery(string query) =>
        query.Length == 0 ? Array.Empty<string>() : query.Split('&').Select(DecodeComponent).ToList();

    /// <summary>ASP.NET Core's query decoding: <c>+</c> is a space, <c>%XX</c> sequences are UTF-8 bytes.</summary>
    internal static string DecodeComponent(string component)
    {
        var bytes = new List<byte>(component.Length);
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < component.Length &&
                     byte.TryParse(component.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (c > 0x7F)
            {
                throw new FormatException($"A raw non-ASCII character (U+{(int)c:X4}) in a query string: it must be percent-encoded.");
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
    }

    /// <summary>Parses one decoded RQL expression; throws <see cref="FormatException"/> where the platform would answer 400.</summary>
    internal static Node Parse(string expression)
    {
        var position = 0;
        var node = ReadArgument(expression, ref position);
        if (position != expression.Length)
            throw new FormatException($"Unexpected '{expression[position]}' at {position} in {expression}");
        return node;
    }

    private static Node ReadArgument(string text, ref int position)
    {
        if (position >= text.Length) throw new FormatException("The expression ends where an argument was expected.");
        var c = text[position];
        if (c is '"' or '\'')
        {
            var end = text.IndexOf(c, position + 1);
            if (end < 0) throw new FormatException($"An unterminated {c}-quoted value at {position}.");
            var quoted = new Quoted(text.Substring(position + 1, end - position - 1), c);
            position = end + 1;
            return quoted;
        }
        if (c == '(')
        {
            position++;
            return new Group(ReadList(text, ref position));
        }

        var start = position;
        while (position < text.Length && text[position] is not ('(' or ')' or ',' or '"' or '\'')) position++;
        var word = text.Substring(start, position - start);
        if (position < text.Length && text[position] == '(')
        {
            if (word.Length == 0) throw new FormatException($"A call without a name at {start}.");
            position++;
            return new Call(word, ReadList(text, ref position));
        }
        if (position < text.Length && text[position] is '"' or '\'')
            throw new FormatException($"A quote inside the bare value '{word}' at {position}.");
        return new Bare(word);
    }

    private static List<Node> ReadList(string text, ref int position)
    {
        var items = new List<Node>();
        if (position < text.Length && text[position] == ')')
        {
            position++;
            return items;
        }
        while (true)
        {
            items.Add(ReadArgument(text, ref position));
            if (position >= text.Length) throw new FormatException("A '(' is never closed.");
            if (text[position] == ')')
            {
                position++;
                return items;
            }
            if (text[position] != ',') throw new FormatException($"Expected ',' or ')' at {position}.");
            position++;
        }
    }

    /// <summary>How a like/ilike pattern matches, by the documented rules.</summary>
    internal enum Match
    {
        Equals,
        Contains,
        StartsWith,
        EndsWith,
    }

    /// <summary>
    /// Reads a like/ilike pattern: a <c>*</c> at the start or end is the wildcard, <c>\*</c> there is a literal
    /// asterisk, and anything in the middle is literal. A pattern whose two ends overlap (<c>*</c>, <c>\*</c>) has no
    /// defined reading and is an error.
    /// </summary>
    internal static (Match Match, string Text) ReadPattern(string pattern)
    {
        var leadingWildcard = pattern.StartsWith('*');
        var leadingEscaped = pattern.StartsWith("\\*", StringComparison.Ordinal);
        var trailingEscaped = pattern.EndsWith("\\*", StringComparison.Ordinal);
        var trailingWildcard = !trailingEscaped && pattern.EndsWith('*');
        var head = leadingWildcard ? 1 : leadingEscaped ? 2 : 0;
        var tail = trailingWildcard ? 1 : trailingEscaped ? 2 : 0;
        if (head + tail > pattern.Length)
            throw new FormatException($"The pattern '{pattern}' has overlapping ends: it has no defined reading.");

        var middle = pattern.Substring(head, pattern.Length - head - tail);
        var text = (leadingEscaped ? "*" : "") + middle + (trailingEscaped ? "*" : "");
        var match = (leadingWildcard, trailingWildcard) switch
        {
            (true, true) => Match.Contains,
            (true, false) => Match.EndsWith,
            (false, true) => Match.StartsWith,
            _ => Match.Equals,
        };
        return (match, text);
    }

    /// <summary>Whether <paramref name="value"/> matches the like/ilike <paramref name="pattern"/>.</summary>
    internal static bool Matches(string pattern, string value, bool ignoreCase)
    {
        var (match, text) = ReadPattern(pattern);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return match switch
        {
            Match.Contains => value.Contains(text, comparison),
            Match.StartsWith => value.StartsWith(text, comparison),
            Match.EndsWith => value.EndsWith(text, comparison),
            _ => string.Equals(value, text, comparison),
        };
    }
}
