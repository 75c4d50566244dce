using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Marketplace.Client.Query;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// An evaluation of RQL written from the documented rules (../shared/API-FACTS.md, "Query language") and nothing of the
/// test server's code: a query is a small tree evaluated on typed records in plain C#, and rendered for the server through
/// the client's own builder (<see cref="Rql"/>), as a consumer writes it. The records carry each kind the rules type
/// differently: text (with quotes, backslashes, asterisks, reserved URL characters, case), whole and decimal numbers,
/// timestamps at different offsets (compared as instants), booleans, a nested object and a collection of objects;
/// any field may be missing or null.
/// </summary>
internal static class RqlOracle
{
    public static readonly DateTimeOffset Epoch = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);

    /// <summary>One record, and the JSON it is seeded as (a null field is written as null or left out, both meaning null).</summary>
    public sealed record Rec(string Id, string? Name, string? Status, long? Revision, decimal? Price, DateTimeOffset? Created, bool? Flag, string? OwnerName, Mod[]? Modules, bool WriteNulls)
    {
        public string Json()
        {
            var o = new JObject { ["id"] = Id };
            void Put(string name, JToken? value)
            {
                if (value is not null) o[name] = value;
                else if (WriteNulls) o[name] = JValue.CreateNull();
            }
            Put("name", Name);
            Put("status", Status);
            Put("revision", Revision);
            Put("price", Price);
            Put("created", Created?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
            Put("flag", Flag);
            Put("owner", OwnerName is null ? null : new JObject { ["name"] = OwnerName });
            Put("modules", Modules is null ? null : new JArray(Modules.Select(m => m.Json())));
            return o.ToString(Newtonsoft.Json.Formatting.None);
        }
    }

    public sealed record Mod(string Id, long? Qty)
    {
        public JObject Json() => Qty is null ? new JObject { ["id"] = Id } : new JObject { ["id"] = Id, ["qty"] = Qty };
    }

    // ---- queries ----

    public abstract record Q
    {
        public abstract bool Holds(Rec r);

        public abstract RqlExpression Rql();
    }

    /// <summary>A comparison; <see cref="Value"/> is a string, long, decimal, DateTimeOffset, bool, <see cref="Marker.Null"/> or <see cref="Marker.Empty"/>.</summary>
    public sealed record Cmp(string Op, string Field, object Value) : Q
    {
        public override bool Holds(Rec r)
        {
            var v = Get(r, Field);
            if (Value is Marker.Null) return v is null ? Op == "eq" : Op == "ne";
            if (v is null) return false;
            if (Value is Marker.Empty)
            {
                var empty = v is string s0 ? s0.Length == 0 : ((Array)v).Length == 0;
                return Op switch { "eq" => empty, "ne" => !empty, _ => Order(CompareText((string)v, "")) };
            }
            var c = v switch
            {
                string s => CompareText(s, (string)Value),
                long n => Value is long l ? n.CompareTo(l) : ((decimal)n).CompareTo((decimal)Value),
                decimal d => d.CompareTo(Value is long l2 ? l2 : (decimal)Value),
                DateTimeOffset t => t.UtcDateTime.CompareTo(((DateTimeOffset)Value).UtcDateTime),
                bool b => b.CompareTo((bool)Value),
                _ => throw new InvalidOperationException(),
            };
            return Order(c);
        }

        private bool Order(int c) => Op switch { "eq" => c == 0, "ne" => c != 0, "gt" => c > 0, "ge" => c >= 0, "lt" => c < 0, _ => c <= 0 };

        public override RqlExpression Rql()
        {
            RqlValue value = Value switch
            {
                Marker.Null => RqlValue.Null,
                Marker.Empty => RqlValue.Empty,
                string s => s,
                long l => l,
                decimal d => d,
                DateTimeOffset t => t,
                bool b => b,
                _ => throw new InvalidOperationException(),
            };
            return Op switch
            {
                "eq" => Client.Query.Rql.Eq(Field, value),
                "ne" => Client.Query.Rql.Ne(Field, value),
                "gt" => Client.Query.Rql.Gt(Field, value),
                "ge" => Client.Query.Rql.Ge(Field, value),
                "lt" => Client.Query.Rql.Lt(Field, value),
                _ => Client.Query.Rql.Le(Field, value),
            };
        }
    }

    public enum Marker
    {
        Null,
        Empty,
    }

    public enum TextMatch
    {
        Contains,
        StartsWith,
        EndsWith,
    }

    /// <summary>Text matched literally (the client writes the pattern).</summary>
    public sealed record Text(string Field, TextMatch Match, string Part, bool IgnoreCase) : Q
    {
        public override bool Holds(Rec r)
        {
            if (Get(r, Field) is not string s) return false;
            var how = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return Match switch
            {
                TextMatch.Contains => s.Contains(Part, how),
                TextMatch.StartsWith => s.StartsWith(Part, how),
                _ => s.EndsWith(Part, how),
            };
        }

        public override RqlExpression Rql() => Match switch
        {
            TextMatch.Contains => Client.Query.Rql.Contains(Field, Part, IgnoreCase),
            TextMatch.StartsWith => Client.Query.Rql.StartsWith(Field, Part, IgnoreCase),
            _ => Client.Query.Rql.EndsWith(Field, Part, IgnoreCase),
        };
    }

    /// <summary>
    /// A raw like pattern: <see cref="Lead"/> and <see cref="Trail"/> are "", "*" (the wildcard) or "\*" (a literal
    /// asterisk); the core between them is literal, a * in it included.
    /// </summary>
    public sealed record Pattern(string Field, string Lead, string Core, string Trail, bool IgnoreCase) : Q
    {
        public override bool Holds(Rec r)
        {
            if (Get(r, Field) is not string s) return false;
            var how = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var literal = (Lead == "\\*" ? "*" : "") + Core + (Trail == "\\*" ? "*" : "");
            return (Lead == "*", Trail == "*") switch
            {
                (true, true) => s.Contains(literal, how),
                (true, false) => s.EndsWith(literal, how),
                (false, true) => s.StartsWith(literal, how),
                _ => string.Equals(s, literal, how),
            };
        }

        public override RqlExpression Rql() => IgnoreCase ? Client.Query.Rql.ILike(Field, Lead + Core + Trail) : Client.Query.Rql.Like(Field, Lead + Core + Trail);
    }

    public sealed record InList(string Field, bool Out, object[] Values) : Q
    {
        public override bool Holds(Rec r)
        {
            var v = Get(r, Field);
            if (v is null) return Out;
            var found = Values.Any(x => new Cmp("eq", Field, x).Holds(r));
            return found != Out;
        }

        public override RqlExpression Rql()
        {
            var values = Values.Select(x => x switch { string s => (RqlValue)s, long l => l, decimal d => d, bool b => b, DateTimeOffset t => t, _ => throw new InvalidOperationException() }).ToArray();
            return Out ? Client.Query.Rql.Out(Field, values) : Client.Query.Rql.In(Field, values);
        }
    }

    public sealed record All(Q[] Items) : Q
    {
        public override bool Holds(Rec r) => Items.All(q => q.Holds(r));

        public override RqlExpression Rql() => Client.Query.Rql.And(Items.Select(q => q.Rql()).ToArray());
    }

    public sealed record AnyOf(Q[] Items) : Q
    {
        public override bool Holds(Rec r) => Items.Any(q => q.Holds(r));

        public override RqlExpression Rql() => Client.Query.Rql.Or(Items.Select(q => q.Rql()).ToArray());
    }

    public sealed record Not(Q Inner) : Q
    {
        public override bool Holds(Rec r) => !Inner.Holds(r);

        public override RqlExpression Rql() => Client.Query.Rql.Not(Inner.Rql());
    }

    /// <summary>any(modules,…) or all(modules,…) with a condition on one module's id or qty.</summary>
    public sealed record Modules(bool Every, string Field, string Op, object Value) : Q
    {
        public override bool Holds(Rec r)
        {
            if (r.Modules is null) return false;
            bool Matches(Mod m)
            {
                object? v = Field == "id" ? m.Id : m.Qty;
                if (v is null) return false;
                var c = v is string s ? CompareText(s, (string)Value) : ((long)v).CompareTo((long)Value);
                return Op switch { "eq" => c == 0, "ne" => c != 0, "gt" => c > 0, _ => c < 0 };
            }
            return Every ? r.Modules.All(Matches) : r.Modules.Any(Matches);
        }

        public override RqlExpression Rql()
        {
            RqlValue value = Value is string s ? s : (long)Value;
            var condition = Op switch { "eq" => Client.Query.Rql.Eq(Field, value), "ne" => Client.Query.Rql.Ne(Field, value), "gt" => Client.Query.Rql.Gt(Field, value), _ => Client.Query.Rql.Lt(Field, value) };
            return Every ? Client.Query.Rql.All("modules", condition) : Client.Query.Rql.Any("modules", condition);
        }
    }

    /// <summary>A field's typed value, or null when the record has none.</summary>
    // The platform's RQL engine compares text as .NET compares strings under the invariant culture (issue 36, item 8);
    // two strings that culture holds equal are still two values, so equality is exact.
    public static int CompareText(string a, string b)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture.CompareInfo.Compare(a, b, System.Globalization.CompareOptions.None);
        return c != 0 ? c : string.CompareOrdinal(a, b);
    }

    public static object? Get(Rec r, string field) => field switch
    {
        "name" => r.Name,
        "status" => r.Status,
        "revision" => r.Revision,
        "price" => r.Price,
        "created" => r.Created,
        "flag" => r.Flag,
        "owner.name" => r.OwnerName,
        "modules" => r.Modules,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>
    /// The records in the order of the keys (field, descending): a missing value first ascending and last descending,
    /// text as text (<see cref="CompareText"/>), numbers as numbers, timestamps as instants; ties in the order given.
    /// </summary>
    public static IEnumerable<Rec> Sort(IEnumerable<Rec> records, IReadOnlyList<(string Field, bool Descending)> keys)
    {
        var comparer = Comparer<Rec>.Create((a, b) =>
        {
            foreach (var (field, descending) in keys)
            {
                var (x, y) = (Get(a, field), Get(b, field));
                var c = x is null ? (y is null ? 0 : -1) : y is null ? 1 : x switch
                {
                    string s => CompareText(s, (string)y),
                    long n => n.CompareTo((long)y),
                    decimal d => d.CompareTo((decimal)y),
                    DateTimeOffset t => t.UtcDateTime.CompareTo(((DateTimeOffset)y).UtcDateTime),
                    bool f => f.CompareTo((bool)y),
                    _ => throw new InvalidOperationException(),
                };
                if (c != 0) return descending ? -c : c;
            }
            return 0;
        });
        return records.OrderBy(r => r, comparer);
    }
}
