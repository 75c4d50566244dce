using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Marketplace.Client.Generators;

/// <summary>
/// What a generator step reads, cut out of the compilation so that an edit elsewhere reruns nothing: the syntax tree that
/// holds the NSwag output (the same <see cref="SyntaxTree"/> instance from one compilation to the next until that file
/// changes, which is when the spec did) and the compilation's references, compiled on their own. The steps read symbols
/// from that small compilation; a keystroke in a hand-written file makes a new compilation, but not a new tree or new
/// references, so the incremental pipeline finds its inputs unchanged and keeps its outputs.
/// </summary>
/// <remarks>
/// The small compilation holds the generated code only, so nothing a step writes may depend on a hand-written partial
/// (which DESIGN.md rules out anyway: the surface is a function of the spec).
/// </remarks>
internal sealed class GeneratedSource : IEquatable<GeneratedSource>
{
    /// <summary>The compilation holds no NSwag output and does not reference it: the client surface is missing.</summary>
    public static readonly GeneratedSource Missing = new(null, null, null, "missing");

    /// <summary>The NSwag output is in a referenced assembly, not in this compilation: nothing to write here.</summary>
    public static readonly GeneratedSource Elsewhere = new(null, null, null, "elsewhere");

    private readonly string _state;

    private GeneratedSource(SyntaxTree? tree, string? assemblyName, CSharpCompilationOptions? options, string state)
    {
        Tree = tree;
        AssemblyName = assemblyName;
        Options = options;
        _state = state;
    }

    public SyntaxTree? Tree { get; }

    public string? AssemblyName { get; }

    public CSharpCompilationOptions? Options { get; }

    /// <summary>
    /// The tree declaring <paramref name="typeName"/> with the <c>GeneratedCode</c> attribute of <paramref name="tool"/>
    /// (NSwag's client, not one of its hand-written partials), or a tree-less marker for a compilation that only holds
    /// or declares the type elsewhere.
    /// </summary>
    public static GeneratedSource Find(Compilation compilation, string typeName, string tool, CancellationToken cancellationToken)
    {
        var type = compilation.GetTypeByMetadataName(typeName);
        if (type is null) return Missing;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reference.GetSyntax(cancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax declaration
                && declaration.AttributeLists.SelectMany(l => l.Attributes).Any(a =>
                    a.Name.ToString().EndsWith("GeneratedCode", StringComparison.Ordinal)
                    && a.ArgumentList?.Arguments.FirstOrDefault()?.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal
                    && literal.Token.ValueText == tool))
                return new GeneratedSource(reference.SyntaxTree, compilation.AssemblyName, (CSharpCompilationOptions)compilation.Options, "source");
        }
        return type.Locations.Any(l => l.IsInSource) ? Missing : Elsewhere;
    }

    /// <summary>A marker for a compilation that declares <paramref name="typeName"/> in source (by name only, no tree).</summary>
    public static GeneratedSource Declaring(Compilation compilation, string typeName)
    {
        var type = compilation.GetTypeByMetadataName(typeName);
        return type is not null && type.Locations.Any(l => l.IsInSource)
            ? new GeneratedSource(null, compilation.AssemblyName, (CSharpCompilationOptions)compilation.Options, "declaring")
            : Elsewhere;
    }

    public bool IsElsewhere => ReferenceEquals(this, Elsewhere);

    /// <summary>The tree (if any) over the references, under the original assembly name (which internals are granted to).</summary>
    public Compilation Compile(ImmutableArray<MetadataReference> references) =>
        CSharpCompilation.Create(AssemblyName, Tree is null ? Array.Empty<SyntaxTree>() : new[] { Tree }, references, Options);

    public bool Equals(GeneratedSource? other) =>
        other is not null && ReferenceEquals(Tree, other.Tree) && _state == other._state
        && string.Equals(AssemblyName, other.AssemblyName, StringComparison.Ordinal) && Equals(Options, other.Options);

    public override bool Equals(object? obj) => Equals(obj as GeneratedSource);

    public override int GetHashCode() => (Tree?.GetHashCode() ?? 0) ^ _state.GetHashCode();
}
