using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using static Marketplace.Client.Testing.TestServerRql;

namespace Marketplace.Client.Testing;

/// <summary>
/// An RQL filter evaluated on seeded records (JSON), by the platform's rules (../shared/API-FACTS.md, "Query language",
/// and its evaluator, Mpt.Rql), with the JSON value standing in for the platform's property type:
/// <list type="bullet">
/// <item>a number compares as a number, a string in ISO 8601 date-time form as an instant, any other string ordinally
/// (case-sensitive), a boolean as <c>true</c>/<c>false</c>; a value that cannot be read as the field's type is refused
/// (400), as the platform refuses it;</item>
/// <item>a missing field is null: <c>eq(f,null())</c> holds, every other comparison fails, <c>ne</c> included (the
/// platform's null-safe navigation); <c>out</c> holds for it (it is in no list) and <c>not(…)</c> inverts;</item>
/// <item>an unquoted value that is the path of a field the collection's records have compares the two fields
/// (<c>eq(name,status)</c>), as the platform prefers a property over a constant;</item>
/// <item><c>like</c>/<c>ilike</c>: a <c>*</c> at the start or end is the wildcard, <c>\*</c> there a literal asterisk,
/// anything else literal; <c>ilike</c> ignores case (ordinal, invariant);</item>
/// <item>a path through an array is refused (400): the platform walks a collection only with <c>any()</c>/<c>all()</c>,
/// whose condition is read on each element (<c>self()</c> is the element itself).</item>
/// </list>
/// </summary>
internal abstract class TestServerFilter
{
    private static readonly Regex Instant = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})$", RegexOptions.CultureInvariant);

    /// <summary>Whether the record (or, inside <c>any</c>/<c>all</c>, the element) matches.</summary>
    /// <exception cref="TestServerQueryException">A value of the query cannot be read as the type of the field it is compared with.</exception>
    public abstract bool Matches(in Row row);

    /// <summary>The filter of <paramref name="node"/>; <paramref name="isField"/> tells whether an unquoted value names a field of the collection.</summary>
    /// <exception cref="TestServerQueryException">The expression is not one the platform evaluates.</exception>
    public static TestServerFilter Build(Node node, Func<string, bool> isField) => new Builder(isField).Expression(node);

    // ---- the JSON values, typed as the platform types its properties ----

    /// <summary>The values of one field path for every record of a collection's snapshot, read once per snapshot.</summary>
    internal interface IColumns
    {
        /// <exception cref="TestServerQueryException">The path goes through an array in some record.</exception>
        Cell[] Column(string text, string[] path);
    }

    /// <summary>
    /// What a filter reads a field of: a record of a collection (its values come from the snapshot's columns, read once
    /// for all requests until the next write, so a filter over thousands of records walks arrays, not JSON trees) or, inside
    /// <c>any</c>/<c>all</c>, an element.
    /// </summary>
    internal readonly struct Row
    {
        public Row(JToken scope, int index = -1, IColumns? columns = null)
        {
            Scope = scope;
            Index = index;
            Columns = columns;
        }

        public JToken Scope { get; }

        public int Index { get; }

        public IColumns? Columns { get; }
    }

    /// <summary>One field's value as the operators read it: missing (or null), or its JSON kind and raw value.</summary>
    internal readonly struct Cell
    {
        public Cell(JToken token)
        {
            Token = token;
            Type = token.Type;
            Raw = token is JValue value ? value.Value : null;
            Instant = Raw is string text && IsInstant(text) && TryInstant(text, out var at) ? at : null;
        }

        /// <summary>The instant of text in ISO 8601 date-time form (read once, where the cell is made), else <see langword="null"/>.</summary>
        public DateTimeOffset? Instant { get; }

        /// <summary>The JSON value, or <see langword="null"/> when the field is missing or null.</summary>
        public JToken? Token { get; }

        public JTokenType Type { get; }

        /// <summary>The string, number or boolean of a JSON value (<see langword="null"/> for an object or array).</summary>
        public object? Raw { get; }

        public bool IsMissing => Token is null;

        public string Text => Raw as string ?? Convert.ToString(Raw, CultureInfo.InvariantCulture) ?? "";

        public static Cell At(JToken scope, string[] path, string text) => Resolve(scope, path, text) is { } token ? new Cell(token) : default;
    }

    /// <summary>A field path of one operator, and the column it read for the snapshot it last saw.</summary>
    private sealed class FieldPath
    {
        private IColumns? _columnsOf;
        private Cell[]? _column;

        public FieldPath(string[] path, string text)
        {
            Path = path;
            Text = text;
        }

        public string[] Path { get; }

        public string Text { get; }

        public Cell Of(in Row row)
        {
            if (row.Columns is null || row.Index < 0) return Cell.At(row.Scope, Path, Text);
            if (!ReferenceEquals(_columnsOf, row.Columns))
            {
                _column = row.Columns.Column(Text, Path);
                _columnsOf = row.Columns;
            }
            return _column![row.Index];
        }
    }

    /// <summary>The value at <paramref name="path"/> (empty: the scope itself), or <see langword="null"/> when it is missing or null.</summary>
    /// <exception cref="TestServerQueryException">The path goes through an array.</exception>
    internal static JToken? Resolve(JToken scope, string[] path, string text)
    {
        var current = scope;
        for (var i = 0; i < path.Length; i++)
        {
            if (current is JArray)
                throw new TestServerQueryException($"Invalid property path '{text}': '{string.Join(".", path.Take(i))}' is a collection; filter its elements with any({string.Join(".", path.Take(i))},…) or all(…)");
            if (current is not JObject record) return null;
            if (!record.TryGetValue(path[i], out var next))
            {
                // A property whose own name holds a dot (filters' "group.buyers"): the longest name that matches.
                next = null;
                for (var j = path.Length; j > i + 1 && next is null; j--)
                {
                    if (record.TryGetValue(string.Join(".", path, i, j - i), out var joined))
                    {
                        next = joined;
                        i = j - 1;
                    }
                }
                if (next is null) return null;
            }
            current = next;
        }
        return current.Type is JTokenType.Null or JTokenType.Undefined ? null : current;
    }

    // The cheap shape check first: most text is not a date, and this runs for every record a filter or sort reads.
    internal static bool IsInstant(string text) =>
        text.Length >= 16 && text[4] == '-' && text[10] == 'T' && char.IsAsciiDigit(text[0]) && Instant.IsMatch(text);

    internal static string Kind(JTokenType type) => type switch
    {
        JTokenType.Array => "a collection",
        JTokenType.Object => "an object",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        _ => "text",
    };

    /// <summary>
    /// The order of two present values of one field: numbers as numbers, instants as instants, other text as text (<see cref="CompareText"/>),
    /// booleans false first; values of different kinds by kind (booleans, numbers, text).
    /// </summary>
    internal static int CompareValues(in Cell left, in Cell right) => SortKey.Of(left).CompareTo(SortKey.Of(right));

    /// <summary>
    /// Text as the platform's RQL engine compares it: as text, culture-aware with the invariant culture (<c>apple</c>
    /// before <c>Zed</c>, <c>a</c> before <c>A</c>), not by UTF-16 code (which puts every capital before every small
    /// letter). Strings the culture finds equal but that differ (an ignorable character) are told apart ordinally, so
    /// equality stays exact. In a process running in globalization-invariant mode the culture compares ordinally too.
    /// </summary>
    internal static int CompareText(string? left, string? right)
    {
#pragma warning disable CA1309 // culture-aware on purpose: it is the engine's order, and ties fall back to ordinal below
        var compared = string.Compare(left, right, CultureInfo.InvariantCulture, CompareOptions.None);
#pragma warning restore CA1309
        return compared != 0 ? compared : string.CompareOrdinal(left, right);
    }

    /// <summary>
    /// A value read once for comparisons: its kind (missing first, then booleans, numbers, text), and its number, instant
    /// or text. Numbers compare exactly (decimal) where they fit, instants by their UTC ticks, other text as text (<see cref="CompareText"/>).
    /// </summary>
    internal readonly struct SortKey : IComparable<SortKey>
    {
        private readonly int _rank; // -1 missing, then as Rank
        private readonly decimal _number;
        private readonly double _wide;
        private readonly bool _exact;
        private readonly long _ticks;
        private readonly string? _text;

        private SortKey(int rank, decimal number, double wide, bool exact, long ticks, string? text)
        {
            _rank = rank;
            _number = number;
            _wide = wide;
            _exact = exact;
            _ticks = ticks;
            _text = text;
        }

        public static SortKey Of(in Cell value)
        {
            if (value.IsMissing) return new SortKey(-1, 0, 0, false, 0, null);
            switch (Rank(value.Type))
            {
                case 0:
                    return new SortKey(0, value.Raw is true ? 1 : 0, 0, true, 0, null);
                case 1:
                    return TryDecimal(value.Raw, out var exact)
                        ? new SortKey(1, exact, 0, true, 0, null)
                        : new SortKey(1, 0, WideOf(value.Raw), false, 0, null);
                case 2:
                    return value.Instant is { } at ? new SortKey(2, 0, 0, true, at.UtcTicks, value.Text) : new SortKey(2, 0, 0, false, 0, value.Text);
                default:
                    return new SortKey(3, 0, 0, false, 0, null);
            }
        }

        public int CompareTo(SortKey other)
        {
            if (_rank != other._rank) return _rank.CompareTo(other._rank);
            return _rank switch
            {
                -1 or 3 => 0,
                0 => _number.CompareTo(other._number),
                1 => _exact && other._exact ? _number.CompareTo(other._number) : Wide().CompareTo(other.Wide()),
                _ => _exact && other._exact ? _ticks.CompareTo(other._ticks) : CompareText(_text, other._text),
            };
        }

        private double Wide() => _exact ? (double)_number : _wide;
    }

    private static int Rank(JTokenType type) => type switch
    {
        JTokenType.Boolean => 0,
        JTokenType.Integer or JTokenType.Float => 1,
        JTokenType.String or JTokenType.Date or JTokenType.Guid or JTokenType.Uri or JTokenType.TimeSpan => 2,
        _ => 3,
    };

    private static bool TryDecimal(object? raw, out decimal number)
    {
        switch (raw)
        {
            case long whole:
                number = whole;
                return true;
            case double wide when !double.IsNaN(wide) && !double.IsInfinity(wide) && Math.Abs(wide) < 7.9e28:
                number = (decimal)wide;
                return true;
            case decimal exact:
                number = exact;
                return true;
            case int small:
                number = small;
                return true;
            default:
                number = 0;
                return false;
        }
    }

    private static double WideOf(object? raw) => raw is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(raw, CultureInfo.InvariantCulture);

    internal static bool TryInstant(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);

    // ---- the operators ----

    private enum Comparison
    {
        Eq,
        Ne,
        Gt,
        Ge,
        Lt,
        Le,
    }

    /// <summary>A constant of the query, read once per type it is compared as.</summary>
    private sealed class Constant
    {
        private bool _numberRead;
        private decimal? _number;
        private double? _double;
        private DateTimeOffset? _instant;
        private bool? _flag;

        public Constant(string text, string field)
        {
            Text = text;
            Field = field;
        }

        public string Text { get; }

        public string Field { get; }

        // The order of the record's value against this constant, read as the value's type.
        public int CompareTo(in Cell value)
        {
            switch (value.Type)
            {
                case JTokenType.Integer or JTokenType.Float:
                    if (!_numberRead)
                    {
                        _number = decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exactConstant) ? exactConstant : null;
                        _double = double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var wide) && !double.IsNaN(wide) ? wide : throw Unreadable("a number");
                        _numberRead = true;
                    }
                    return _number is { } constant && TryDecimal(value.Raw, out var exact)
                        ? exact.CompareTo(constant)
                        : WideOf(value.Raw).CompareTo(_double!.Value);
                case JTokenType.Boolean:
                    _flag ??= bool.TryParse(Text, out var flag) ? flag : throw Unreadable("a boolean (true or false)");
                    return (value.Raw is true).CompareTo(_flag.Value);
                case JTokenType.String:
                    if (value.Instant is { } at)
                    {
                        _instant ??= TryInstant(Text, out var instant) ? instant : throw Unreadable("a date (e.g. 2025-03-14T09:26:53.123Z)");
                        return at.CompareTo(_instant.Value);
                    }
                    return CompareText(value.Text, Text);
                default:
                    throw new TestServerQueryException($"'{Field}' is {Kind(value.Type)}: it cannot be compared with a value" +
                        (value.Type == JTokenType.Array ? $"; filter its elements with any({Field},…) or all({Field},…)" : ""));
            }
        }

        private TestServerQueryException Unreadable(string type) => new($"Cannot convert value '{Text}' to {type}, the type of '{Field}'");
    }

    private sealed class Compare : TestServerFilter
    {
        private readonly Comparison _comparison;
        private readonly FieldPath _field;
        private readonly Constant? _constant;
        private readonly FieldPath? _other;
        private readonly string _marker; // "", "null" or "empty"

        public Compare(Comparison comparison, FieldPath field, Constant? constant, FieldPath? other, string marker)
        {
            _comparison = comparison;
            _field = field;
            _constant = constant;
            _other = other;
            _marker = marker;
        }

        public override bool Matches(in Row row)
        {
            var value = _field.Of(row);
            if (_marker == "null") return value.IsMissing ? _comparison == Comparison.Eq : _comparison == Comparison.Ne;
            if (_other is not null)
            {
                var other = _other.Of(row);
                if (value.IsMissing || other.IsMissing) return _comparison == Comparison.Eq ? value.IsMissing && other.IsMissing : _comparison == Comparison.Ne && value.IsMissing != other.IsMissing;
                if (value.Type is JTokenType.Array or JTokenType.Object || other.Type is JTokenType.Array or JTokenType.Object || Rank(value.Type) != Rank(other.Type)) return false;
                return Holds(CompareValues(value, other));
            }
            if (value.IsMissing) return false;
            if (_marker == "empty")
            {
                var empty = value.Type switch
                {
                    JTokenType.String => value.Text.Length == 0,
                    JTokenType.Array or JTokenType.Object => !value.Token!.HasValues,
                    _ => throw new TestServerQueryException($"'{_field.Text}' is {Kind(value.Type)}: empty() matches text, a collection or an object"),
                };
                return _comparison switch
                {
                    Comparison.Eq => empty,
                    Comparison.Ne => !empty,
                    _ => value.Type == JTokenType.String && Holds(CompareText(value.Text, "")),
                };
            }
            return Holds(_constant!.CompareTo(value));
        }

        private bool Holds(int order) => _comparison switch
        {
            Comparison.Eq => order == 0,
            Comparison.Ne => order != 0,
            Comparison.Gt => order > 0,
            Comparison.Ge => order >= 0,
            Comparison.Lt => order < 0,
            _ => order <= 0,
        };
    }

    private sealed class Like : TestServerFilter
    {
        private readonly FieldPath _field;
        private readonly string _literal;
        private readonly TextMatch _match;
        private readonly StringComparison _comparison;

        public Like(FieldPath field, string pattern, bool ignoreCase)
        {
            _field = field;
            _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            // The platform looks at the two ends only: a leading * and a trailing * (not \*) are wildcards, a leading or
            // trailing \* is a literal asterisk (its backslash dropped); everything between is literal.
            var startsWild = pattern.StartsWith('*');
            var startsEscaped = pattern.StartsWith("\\*", StringComparison.Ordinal);
            var endsEscaped = pattern.EndsWith("\\*", StringComparison.Ordinal);
            var endsWild = !endsEscaped && pattern.EndsWith('*');
            _match = startsWild && endsWild ? TextMatch.Contains : startsWild ? TextMatch.EndsWith : endsWild ? TextMatch.StartsWith : TextMatch.Equals;
            var start = startsWild || startsEscaped ? 1 : 0;
            var end = endsEscaped ? Math.Max(start, pattern.Length - 2) : endsWild ? Math.Max(start, pattern.Length - 1) : pattern.Length;
            _literal = endsEscaped ? string.Concat(pattern.AsSpan(start, end - start), "*") : pattern.Substring(start, end - start);
        }

        public override bool Matches(in Row row)
        {
            var value = _field.Of(row);
            if (value.IsMissing) return false;
            if (value.Type != JTokenType.String) throw new TestServerQueryException($"'{_field.Text}' is {Kind(value.Type)}: like and ilike match text");
            var text = value.Text;
            return _match switch
            {
                TextMatch.Contains => text.Contains(_literal, _comparison),
                TextMatch.StartsWith => text.StartsWith(_literal, _comparison),
                TextMatch.EndsWith => text.EndsWith(_literal, _comparison),
                _ => string.Equals(text, _literal, _comparison),
            };
        }

        private enum TextMatch
        {
            Contains,
            StartsWith,
            EndsWith,
            Equals,
        }
    }

    private sealed class InList : TestServerFilter
    {
        private readonly FieldPath _field;
        private readonly Constant[] _values;
        private readonly bool _out;

        public InList(FieldPath field, Constant[] values, bool isOut)
        {
            _field = field;
            _values = values;
            _out = isOut;
        }

        public override bool Matches(in Row row)
        {
            var value = _field.Of(row);
            if (value.IsMissing) return _out;
            var found = false;
            foreach (var constant in _values) found |= constant.CompareTo(value) == 0;
            return found != _out;
        }
    }

    private sealed class Group : TestServerFilter
    {
        private readonly TestServerFilter[] _items;
        private readonly bool _all;

        public Group(TestServerFilter[] items, bool all)
        {
            _items = items;
            _all = all;
        }

        public override bool Matches(in Row row)
        {
            foreach (var item in _items)
            {
                if (item.Matches(row) != _all) return !_all;
            }
            return _all;
        }
    }

    private sealed class Not : TestServerFilter
    {
        private readonly TestServerFilter _inner;

        public Not(TestServerFilter inner) => _inner = inner;

        public override bool Matches(in Row row) => !_inner.Matches(row);
    }

    private sealed class Quantifier : TestServerFilter
    {
        private readonly FieldPath _field;
        private readonly TestServerFilter? _condition;
        private readonly bool _every;

        public Quantifier(FieldPath field, TestServerFilter? condition, bool every)
        {
            _field = field;
            _condition = condition;
            _every = every;
        }

        public override bool Matches(in Row row)
        {
            var value = _field.Of(row);
            if (value.IsMissing) return false;
            if (value.Token is not JArray elements) throw new TestServerQueryException($"'{_field.Text}' is {Kind(value.Type)}, not a collection: any() and all() take a collection");
            if (_condition is null) return elements.Count > 0;
            foreach (var element in elements)
            {
                if (_condition.Matches(new Row(element)) != _every) return !_every;
            }
            return _every;
        }
    }

    // ---- from the syntax tree to the operators, with the platform's checks ----

    private sealed class Builder
    {
        private readonly Func<string, bool> _isField;

        public Builder(Func<string, bool> isField) => _isField = isField;

        public TestServerFilter Expression(Node node)
        {
            if (node is Word word)
                throw new TestServerQueryException($"'{word.Text}' at position {word.Position} is a value, not an expression (e.g. eq(field,value))");
            var call = (Call)node;
            switch (call.Name)
            {
                case "":
                    return Sequence(call);
                case "and" or "or":
                    if (call.Arguments.Count == 0) throw Wrong(call, "at least one expression");
                    return call.Arguments.Count == 1 ? Expression(call.Arguments[0]) : new Group(call.Arguments.Select(Expression).ToArray(), all: call.Name == "and");
                case "not":
                    if (call.Arguments.Count != 1) throw Wrong(call, "exactly one expression");
                    return new Not(Expression(call.Arguments[0]));
                case "eq" or "ne" or "gt" or "ge" or "lt" or "le":
                    return Comparison(call);
                case "like" or "ilike":
                    return TextMatch(call);
                case "in" or "out":
                    return List(call);
                case "any" or "all":
                    return Collection(call);
                case "null" or "empty" or "self":
                    throw new TestServerQueryException($"{call.Name}() at position {call.Position} is a value, not an expression");
                default:
                    throw new TestServerQueryException($"Unknown operator '{call.Name}' at position {call.Position} (RQL has eq ne gt ge lt le like ilike in out and or not any all)");
            }
        }

        // a,b;c,d: and binds tighter than or.
        private TestServerFilter Sequence(Call group)
        {
            if (group.Arguments.Count == 0) throw new TestServerQueryException($"An empty group () at position {group.Position}");
            var alternatives = new List<TestServerFilter>();
            var conjunction = new List<TestServerFilter>();
            for (var i = 0; i < group.Arguments.Count; i++)
            {
                if (group.OrBefore[i] && conjunction.Count > 0)
                {
                    alternatives.Add(conjunction.Count == 1 ? conjunction[0] : new Group(conjunction.ToArray(), all: true));
                    conjunction = new List<TestServerFilter>();
                }
                conjunction.Add(Expression(group.Arguments[i]));
            }
            alternatives.Add(conjunction.Count == 1 ? conjunction[0] : new Group(conjunction.ToArray(), all: true));
            return alternatives.Count == 1 ? alternatives[0] : new Group(alternatives.ToArray(), all: false);
        }

        private Compare Comparison(Call call)
        {
            if (call.Arguments.Count != 2) throw Wrong(call, "a field and a value");
            var field = FieldOf(call);
            var comparison = call.Name switch
            {
                "eq" => TestServerFilter.Comparison.Eq,
                "ne" => TestServerFilter.Comparison.Ne,
                "gt" => TestServerFilter.Comparison.Gt,
                "ge" => TestServerFilter.Comparison.Ge,
                "lt" => TestServerFilter.Comparison.Lt,
                _ => TestServerFilter.Comparison.Le,
            };
            switch (call.Arguments[1])
            {
                case Call { Name: "null" or "empty" } marker:
                    if (marker.Arguments.Count > 0) throw Wrong(marker, "no arguments");
                    return new Compare(comparison, field, null, null, marker.Name);
                case Call { Name: "self" } self:
                    return new Compare(comparison, field, null, new FieldPath(SelfPath(self), "self()"), "");
                case Word { Quoted: false } word when IsPathShaped(word.Text) && _isField(word.Text):
                    return new Compare(comparison, field, null, new FieldPath(TestServerRql.Path(word.Text, call.Name), word.Text), "");
                case Word word:
                    return new Compare(comparison, field, new Constant(word.Text, field.Text), null, "");
                default:
                    throw new TestServerQueryException($"The second argument of {call.Name}() at position {call.Position} must be a value, null() or empty()");
            }
        }

        private static Like TextMatch(Call call)
        {
            if (call.Arguments.Count != 2) throw Wrong(call, "a field and a pattern");
            var field = FieldOf(call);
            var pattern = call.Arguments[1] switch
            {
                Word word => word.Text,
                Call { Name: "empty", Arguments.Count: 0 } => "",
                Call { Name: "null" } => throw new TestServerQueryException($"{call.Name}() at position {call.Position}: null values are not supported"),
                _ => throw new TestServerQueryException($"The pattern of {call.Name}() at position {call.Position} must be a value"),
            };
            return new Like(field, pattern, ignoreCase: call.Name == "ilike");
        }

        private static InList List(Call call)
        {
            if (call.Arguments.Count != 2) throw Wrong(call, "a field and a list of values, (a,b)");
            var field = FieldOf(call);
            var items = call.Arguments[1] switch
            {
                Call { Name: "" } list => list.Arguments,
                Word word => new Node[] { word },
                _ => throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} must be values in parentheses, (a,b)"),
            };
            if (items.Count == 0) throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} is empty: it has to be a non-empty list");
            var values = items.Select(item => item switch
            {
                Word word => new Constant(word.Text, field.Text),
                Call { Name: "empty", Arguments.Count: 0 } => new Constant("", field.Text),
                _ => throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} holds something that is not a value (null values are not supported)"),
            }).ToArray();
            return new InList(field, values, isOut: call.Name == "out");
        }

        private Quantifier Collection(Call call)
        {
            if (call.Arguments.Count is < 1 or > 2) throw Wrong(call, "a collection field and a condition");
            var field = FieldOf(call);
            if (call.Arguments.Count == 1 && call.Name == "all") throw Wrong(call, "a collection field and a condition");
            var condition = call.Arguments.Count == 2 ? Expression(call.Arguments[1]) : null;
            return new Quantifier(field, condition, every: call.Name == "all");
        }

        private static FieldPath FieldOf(Call call) => call.Arguments[0] switch
        {
            Word { Quoted: false } word => new FieldPath(TestServerRql.Path(word.Text, $"the first argument of {call.Name}() at position {call.Position}"), word.Text),
            Call { Name: "self" } self => new FieldPath(SelfPath(self), "self()"),
            _ => throw new TestServerQueryException($"The first argument of {call.Name}() at position {call.Position} must be a field path (unquoted)"),
        };

        private static string[] SelfPath(Call self) => self.Arguments switch
        {
            { Count: 0 } => Array.Empty<string>(),
            [Word { Quoted: false } word] => TestServerRql.Path(word.Text, $"self() at position {self.Position}"),
            _ => throw Wrong(self, "no argument or one field path"),
        };

        // A path that starts as a name does (3, 2025-03-14T… and -1 are values, whatever the records hold).
        private static bool IsPathShaped(string text) => TestServerRql.IsPath(text) && (char.IsLetter(text[0]) || text[0] is '_' or '$');

        private static TestServerQueryException Wrong(Call call, string takes) =>
            new($"{call.Name}() at position {call.Position} takes {takes}; it has {call.Arguments.Count} argument{(call.Arguments.Count == 1 ? "" : "s")}");
    }
}
