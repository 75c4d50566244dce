using System;
using System.Linq;
using System.Reflection;
using System.Text;
using Xunit;

namespace Marketplace.Client.Tests.Serialization;

/// <summary>
/// A …Kind constant's number is a function of its wire value alone (FNV-1a of the lower-case UTF-8 text, 31 bits;
/// Unknown is 0), so a value the API inserts anywhere in the list cannot renumber what callers compiled against.
/// tests/package-tests.sh inserts values (colliding names included) into a fragment and checks the build and the numbers.
/// </summary>
public class EnumKindNumberTests
{
    [Fact]
    public void Every_kind_number_is_the_hash_of_its_wire_value()
    {
        var enums = typeof(Instance).Assembly.GetExportedTypes()
            .Where(t => t.IsValueType && t.GetProperty("KnownValues", BindingFlags.Public | BindingFlags.Static) is not null)
            .ToList();
        Assert.Contains(typeof(InstanceStatus), enums);

        foreach (var type in enums)
        {
            var kind = type.Assembly.GetType(type.FullName + "Kind")!;
            Assert.Equal(0, (int)Enum.Parse(kind, "Unknown"));
            foreach (var value in (System.Collections.IEnumerable)type.GetProperty("KnownValues")!.GetValue(null)!)
            {
                var member = type.GetProperty("Kind")!.GetValue(value)!;
                Assert.True(Expected(value.ToString()!) == (int)member, $"{type.Name}.{member} ({value}) is {(int)member}, expected {Expected(value.ToString()!)}");
            }
        }
    }

    [Fact]
    public void Known_numbers_are_pinned()
    {
        // Written down once: if these change, every caller compiled against an earlier package breaks.
        Assert.Equal(343848780, (int)InstanceStatusKind.Running);
        Assert.Equal(1541766870, (int)InvitationEntityValidityKind.SevenDays);
        Assert.Equal(343848780, Expected("Running"));
        Assert.Equal(InstanceStatusKind.Running, InstanceStatus.Running.Kind);
        Assert.Equal(InstanceStatusKind.Running, new InstanceStatus("RUNNING").Kind);
    }

    private static int Expected(string wire)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(wire.ToLowerInvariant()))
        {
            hash = (hash ^ b) * 16777619u;
        }
        var number = (int)(hash & 0x7FFFFFFF);
        return number == 0 ? 1 : number;
    }
}
