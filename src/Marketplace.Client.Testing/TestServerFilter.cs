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
    public abstract bool Matches(JToken scope);

    /// <summary>The filter of <paramref name="node"/>; <paramref name="isField"/> tells whether an unquoted value names a field of the collection.</summary>
    /// <exception cref="TestServerQueryException">The expression is not one the platform evaluates.</exception>
    public static TestServerFilter Build(Node node, Func<string, bool> isField) => new Builder(isField).Expression(node);

    // ---- the JSON values, typed as the platform types its properties ----

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

    internal static bool IsInstant(string text) => text.Length >= 16 && Instant.IsMatch(text);

    internal static string Kind(JToken value) => value.Type switch
    {
        JTokenType.Array => "a collection",
        JTokenType.Object => "an object",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        _ => "text",
    };

    /// <summary>
    /// The order of two present values of one field: numbers as numbers, instants as instants, other text ordinally,
    /// booleans false first; values of different kinds by kind (booleans, numbers, text).
    /// </summary>
    internal static int CompareValues(JToken left, JToken right)
    {
        var (leftRank, rightRank) = (Rank(left), Rank(right));
        if (leftRank != rightRank) return leftRank.CompareTo(rightRank);
        switch (leftRank)
        {
            case 0:
                return ((bool)left!).CompareTo((bool)right!);
            case 1:
                return CompareNumbers((JValue)left, (JValue)right);
            default:
                var (a, b) = ((string)left!, (string)right!);
                if (IsInstant(a) && IsInstant(b) && TryInstant(a, out var x) && TryInstant(b, out var y)) return x.CompareTo(y);
                return string.CompareOrdinal(a, b);
        }
    }

    private static int Rank(JToken value) => value.Type switch
    {
        JTokenType.Boolean => 0,
        JTokenType.Integer or JTokenType.Float => 1,
        JTokenType.String or JTokenType.Date or JTokenType.Guid or JTokenType.Uri or JTokenType.TimeSpan => 2,
        _ => 3,
    };

    private static int CompareNumbers(JValue left, JValue right) =>
        TryDecimal(left, out var a) && TryDecimal(right, out var b) ? a.CompareTo(b) : Convert.ToDouble(left.Value, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right.Value, CultureInfo.InvariantCulture));

    private static bool TryDecimal(JValue value, out decimal number)
    {
        try
        {
            number = Convert.ToDecimal(value.Value, CultureInfo.InvariantCulture);
            return true;
        }
        catch (OverflowException)
        {
            number = 0;
            return false;
        }
    }

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
        public int CompareTo(JToken value)
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
                    var number = (JValue)value;
                    return _number is { } constant && TryDecimal(number, out var exact)
                        ? exact.CompareTo(constant)
                        : Convert.ToDouble(number.Value, CultureInfo.InvariantCulture).CompareTo(_double!.Value);
                case JTokenType.Boolean:
                    _flag ??= bool.TryParse(Text, out var flag) ? flag : throw Unreadable("a boolean (true or false)");
                    return ((bool)value!).CompareTo(_flag.Value);
                case JTokenType.String:
                    var text = (string)value!;
                    if (IsInstant(text) && TryInstant(text, out var at))
                    {
                        _instant ??= TryInstant(Text, out var instant) ? instant : throw Unreadable("a date (e.g. 2025-03-14T09:26:53.123Z)");
                        return at.CompareTo(_instant.Value);
                    }
                    return string.CompareOrdinal(text, Text);
                default:
                    throw new TestServerQueryException($"'{Field}' is {Kind(value)}: it cannot be compared with a value" +
                        (value.Type == JTokenType.Array ? $"; filter its elements with any({Field},…) or all({Field},…)" : ""));
            }
        }

        private TestServerQueryException Unreadable(string type) => new($"Cannot convert value '{Text}' to {type}, the type of '{Field}'");
    }

    private sealed class Compare : TestServerFilter
    {
        private readonly Comparison _comparison;
        private readonly string[] _path;
        private readonly string _field;
        private readonly Constant? _constant;
        private readonly string[]? _otherPath;
        private readonly string _marker; // "", "null" or "empty"

        public Compare(Comparison comparison, string[] path, string field, Constant? constant, string[]? otherPath, string marker)
        {
            _comparison = comparison;
            _path = path;
            _field = field;
            _constant = constant;
            _otherPath = otherPath;
            _marker = marker;
        }

        public override bool Matches(JToken scope)
        {
            var value = Resolve(scope, _path, _field);
            if (_marker == "null") return value is null ? _comparison == Comparison.Eq : _comparison == Comparison.Ne;
            if (_otherPath is not null)
            {
                var other = Resolve(scope, _otherPath, string.Join(".", _otherPath));
                if (value is null || other is null) return _comparison == Comparison.Eq ? value is null && other is null : _comparison == Comparison.Ne && (value is null) != (other is null);
                if (value.Type is JTokenType.Array or JTokenType.Object || other.Type is JTokenType.Array or JTokenType.Object || Rank(value) != Rank(other)) return false;
                return Holds(CompareValues(value, other));
            }
            if (value is null) return false;
            if (_marker == "empty")
            {
                var empty = value.Type switch
                {
                    JTokenType.String => ((string)value!).Length == 0,
                    JTokenType.Array or JTokenType.Object => !value.HasValues,
                    _ => throw new TestServerQueryException($"'{_field}' is {Kind(value)}: empty() matches text, a collection or an object"),
                };
                return _comparison switch
                {
                    Comparison.Eq => empty,
                    Comparison.Ne => !empty,
                    _ => value.Type == JTokenType.String && Holds(string.CompareOrdinal((string)value!, "")),
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
        private readonly string[] _path;
        private readonly string _field;
        private readonly string _literal;
        private readonly TextMatch _match;
        private readonly StringComparison _comparison;

        public Like(string[] path, string field, string pattern, bool ignoreCase)
        {
            _path = path;
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

        public override bool Matches(JToken scope)
        {
            var value = Resolve(scope, _path, _field);
            if (value is null) return false;
            if (value.Type != JTokenType.String) throw new TestServerQueryException($"'{_field}' is {Kind(value)}: like and ilike match text");
            var text = (string)value!;
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
        private readonly string[] _path;
        private readonly string _field;
        private readonly Constant[] _values;
        private readonly bool _out;

        public InList(string[] path, string field, Constant[] values, bool isOut)
        {
            _path = path;
            _field = field;
            _values = values;
            _out = isOut;
        }

        public override bool Matches(JToken scope)
        {
            var value = Resolve(scope, _path, _field);
            if (value is null) return _out;
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

        public override bool Matches(JToken scope)
        {
            foreach (var item in _items)
            {
                if (item.Matches(scope) != _all) return !_all;
            }
            return _all;
        }
    }

    private sealed class Not : TestServerFilter
    {
        private readonly TestServerFilter _inner;

        public Not(TestServerFilter inner) => _inner = inner;

        public override bool Matches(JToken scope) => !_inner.Matches(scope);
    }

    private sealed class Quantifier : TestServerFilter
    {
        private readonly string[] _path;
        private readonly string _field;
        private readonly TestServerFilter? _condition;
        private readonly bool _every;

        public Quantifier(string[] path, string field, TestServerFilter? condition, bool every)
        {
            _path = path;
            _field = field;
            _condition = condition;
            _every = every;
        }

        public override bool Matches(JToken scope)
        {
            var value = Resolve(scope, _path, _field);
            if (value is null) return false;
            if (value is not JArray elements) throw new TestServerQueryException($"'{_field}' is {Kind(value)}, not a collection: any() and all() take a collection");
            if (_condition is null) return elements.Count > 0;
            foreach (var element in elements)
            {
                if (_condition.Matches(element) != _every) return !_every;
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
            var (path, field) = FieldOf(call);
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
                    return new Compare(comparison, path, field, null, null, marker.Name);
                case Call { Name: "self" } self:
                    return new Compare(comparison, path, field, null, SelfPath(self), "");
                case Word { Quoted: false } word when IsPathShaped(word.Text) && _isField(word.Text):
                    return new Compare(comparison, path, field, null, TestServerRql.Path(word.Text, call.Name), "");
                case Word word:
                    return new Compare(comparison, path, field, new Constant(word.Text, field), null, "");
                default:
                    throw new TestServerQueryException($"The second argument of {call.Name}() at position {call.Position} must be a value, null() or empty()");
            }
        }

        private static Like TextMatch(Call call)
        {
            if (call.Arguments.Count != 2) throw Wrong(call, "a field and a pattern");
            var (path, field) = FieldOf(call);
            var pattern = call.Arguments[1] switch
            {
                Word word => word.Text,
                Call { Name: "empty", Arguments.Count: 0 } => "",
                Call { Name: "null" } => throw new TestServerQueryException($"{call.Name}() at position {call.Position}: null values are not supported"),
                _ => throw new TestServerQueryException($"The pattern of {call.Name}() at position {call.Position} must be a value"),
            };
            return new Like(path, field, pattern, ignoreCase: call.Name == "ilike");
        }

        private static InList List(Call call)
        {
            if (call.Arguments.Count != 2) throw Wrong(call, "a field and a list of values, (a,b)");
            var (path, field) = FieldOf(call);
            var items = call.Arguments[1] switch
            {
                Call { Name: "" } list => list.Arguments,
                Word word => new Node[] { word },
                _ => throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} must be values in parentheses, (a,b)"),
            };
            if (items.Count == 0) throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} is empty: it has to be a non-empty list");
            var values = items.Select(item => item switch
            {
                Word word => new Constant(word.Text, field),
                Call { Name: "empty", Arguments.Count: 0 } => new Constant("", field),
                _ => throw new TestServerQueryException($"The list of {call.Name}() at position {call.Position} holds something that is not a value (null values are not supported)"),
            }).ToArray();
            return new InList(path, field, values, isOut: call.Name == "out");
        }

        private Quantifier Collection(Call call)
        {
            if (call.Arguments.Count is < 1 or > 2) throw Wrong(call, "a collection field and a condition");
            var (path, field) = FieldOf(call);
            if (call.Arguments.Count == 1 && call.Name == "all") throw Wrong(call, "a collection field and a condition");
            var condition = call.Arguments.Count == 2 ? Expression(call.Arguments[1]) : null;
            return new Quantifier(path, field, condition, every: call.Name == "all");
        }

        private static (string[] Path, string Text) FieldOf(Call call) => call.Arguments[0] switch
        {
            Word { Quoted: false } word => (TestServerRql.Path(word.Text, $"the first argument of {call.Name}() at position {call.Position}"), word.Text),
            Call { Name: "self" } self => (SelfPath(self), "self()"),
            _ => throw new TestServerQueryException($"The first argument of {call.Name}() at position {call.Position} must be a field path (unquoted)"),
        };

        private static string[] SelfPath(Call self) => self.Arguments switch
        {
            { Count: 0 } => Array.Empty<string>(),
            [Word { Quoted: false } word] => TestServerRql.Path(word.Text, $"self() at position {self.Position}"),
            _ => throw Wrong(self, "no argument or one field path"),
        };

        private static bool IsPathShaped(string text) =>
            text.Length > 0 && (char.IsLetter(text[0]) || text[0] is '_' or '$') && text.Split('.').All(s => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c is '_' or '$' or '-'));

        private static TestServerQueryException Wrong(Call call, string takes) =>
            new($"{call.Name}() at position {call.Position} takes {takes}; it has {call.Arguments.Count} argument{(call.Arguments.Count == 1 ? "" : "s")}");
    }
}
