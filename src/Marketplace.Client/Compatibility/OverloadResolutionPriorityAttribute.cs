#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

// The C# 13 compiler recognises this attribute by name; .NET 9 and later define it, netstandard2.0 does not. It lets a
// call like client.List…Async(id, null) pick the RQL overload instead of being ambiguous.
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute : Attribute
{
    public OverloadResolutionPriorityAttribute(int priority) => Priority = priority;

    public int Priority { get; }
}
#endif
