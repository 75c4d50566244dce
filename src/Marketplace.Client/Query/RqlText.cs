using System;
using System.Text;

namespace Marketplace.Client.Query;

// The platform's rules for text inside RQL (its RQL documentation and its parser, Mpt.Rql; ../shared/API-FACTS.md):
// - a string is wrapped in " or '; it ends at the next occurrence of the same character. There is no escape
//   character (a backslash is an ordinary character), so one quote kind is carried by wrapping in the other, and a
//   string holding both kinds cannot be written;
// - in like/ilike, a * at the very start or end of the pattern is the wildcard, and \* there is a literal asterisk;
//   anywhere else both * and \ are ordinary characters.
// Text that these rules cannot carry is refused when the expression is built, naming the field, never sent wrong.
internal static class RqlText
{
    internal static bool TryQuote(string text, out string quoted)
    {
        bool hasDouble = false, hasSingle = false;
        foreach (var c in text)
        {
            hasDouble |= c == '"';
            hasSingle |= c == '\'';
        }
        if (hasDouble && hasSingle)
        {
            quoted = string.Empty;
            return false;
        }
        var quote = hasDouble ? '\'' : '"';
        quoted = quote + text + quote;
        return true;
    }

    internal static string Quote(string text, string field, string parameterName)
    {
        RequireWellFormed(text, field, parameterName);
        if (TryQuote(text, out var quoted)) return quoted;
        throw new ArgumentException(
            $"The value for '{field}' holds both a double quote (\") and a single quote ('). RQL has no escape character: a " +
            "quoted value ends at the next quote of its own kind, so no RQL string can carry both. Match a part of it " +
            "instead (e.g. Rql.Contains on the text up to one of the quotes) and check the rest in your code.",
            parameterName);
    }

    // The like/ilike pattern that matches values that contain, start with or end with `text` literally. The parser
    // looks only at the pattern's two ends: a leading * and a trailing * are wildcards, a leading or trailing \* is a
    // literal asterisk, and everything between them is taken as it is (the middle of `text` needs no care).
    internal static string LiteralPattern(string text, RqlTextMatch match, string field)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        RequireWellFormed(text, field, nameof(text));
        // "*" alone would be read as both a leading and a trailing wildcard; "**" is contains-anything, which is what
        // an empty prefix, suffix or part means.
        if (text.Length == 0) return "**";
        switch (match)
        {
            case RqlTextMatch.Contains:
                RequireNoTrailingBackslash(text, field);
                return "*" + text + "*";
            case RqlTextMatch.StartsWith:
                RequireNoTrailingBackslash(text, field);
                if (text.StartsWith("\\*", StringComparison.Ordinal))
                    throw Unmatchable(field, text, "starts with \\*, which at the start of a pattern RQL reads as an escaped asterisk (the backslash is dropped)");
                // A leading * would be the wildcard; written \* it is the literal asterisk.
                return (text[0] == '*' ? "\\" : "") + text + "*";
            default:
                // A trailing * would be the wildcard; written \* it is the literal asterisk.
                return "*" + (text[text.Length - 1] == '*' ? text.Remove(text.Length - 1) + "\\*" : text);
        }
    }

    private static void RequireNoTrailingBackslash(string text, string field)
    {
        if (text[text.Length - 1] == '\\')
            throw Unmatchable(field, text, "ends with a backslash, which with the wildcard after it RQL reads as an escaped asterisk");
    }

    // A lone UTF-16 surrogate has no UTF-8 form, so it cannot reach the server unchanged.
    private static void RequireWellFormed(string text, string field, string parameterName)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(text[i]))
            {
                throw new ArgumentException(
                    $"The value for '{field}' holds an unpaired UTF-16 surrogate (U+{(int)text[i]:X4} at index {i}); it has no " +
                    "UTF-8 form, so it cannot be sent in a URL unchanged.",
                    parameterName);
            }
        }
    }

    private static ArgumentException Unmatchable(string field, string text, string why) =>
        new($"The text to match in '{field}' ({text}) {why}; RQL has no way to write it. Match a shorter part of it.", nameof(text));
}

internal enum RqlTextMatch
{
    Contains,
    StartsWith,
    EndsWith,
}
