using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Marketplace.Client.Generators;

/// <summary>
/// What a generator step reads, cut out of the compilation so that an edit elsewhere reruns nothing: the syntax tree of
/// the generated models (<see cref="ModelsFile"/>, the same <see cref="SyntaxTree"/> instance from one compilation to the
/// next until that file changes, which is when the spec did), the tree of NSwag's client (<see cref="ClientFile"/>, an
/// additional file: never compiled into the library, parsed once per change of its text) and the compilation's
/// references, compiled on their own. The steps read symbols from that small compilation; a keystroke in a hand-written
/// file makes a new compilation, but not new trees or new references, so the incremental pipeline finds its inputs
/// unchanged and keeps its outputs.
/// </summary>
/// <remarks>
/// The small compilation holds the generated code only, so nothing a step writes may depend on a hand-written partial
/// (which DESIGN.md rules out anyway: the surface is a function of the spec).
/// </remarks>
internal sealed class GeneratedSource : IEquatable<GeneratedSource>
{
    /// <summary>The file NSwag writes the models to (compiled into the library).</summary>
    public const string ModelsFile = "MarketplaceClient.g.cs";

    /// <summary>The file NSwag writes its client to (an additional file, read by the generator only).</summary>
    public const string ClientFile = "MarketplaceRestClient.g.cs";

    /// <summary>The compilation holds no NSwag output and does not reference it: the client surface is missing.</summary>
    public static readonly GeneratedSource Missing = new(null, null, null, null, "missing");

    /// <summary>The NSwag output is in a referenced assembly, not in this compilation: nothing to write here.</summary>
    public static readonly GeneratedSource Elsewhere = new(null, null, null, null, "elsewhere");

    private readonly string _state;

    private GeneratedSource(SyntaxTree? tree, SyntaxTree? clientTree, string? assemblyName, CSharpCompilationOptions? options, string state)
    {
        Tree = tree;
        ClientTree = clientTree;
        AssemblyName = assemblyName;
        Options = options;
        _state = state;
    }

    /// <summary>The models' tree.</summary>
    public SyntaxTree? Tree { get; }

    /// <summary>NSwag's client's tree.</summary>
    public SyntaxTree? ClientTree { get; }

    public string? AssemblyName { get; }

    public CSharpCompilationOptions? Options { get; }

    /// <summary>The text of NSwag's client among the additional files, parsed as the compilation parses its sources; <see langword="null"/> when there is none.</summary>
    public static SyntaxTree? ParseClient(string? text, CSharpParseOptions options, CancellationToken cancellationToken) =>
        text is null ? null : CSharpSyntaxTree.ParseText(text, options, ClientFile, cancellationToken: cancellationToken);

    /// <summary>Whether <paramref name="text"/> is NSwag's client.</summary>
    public static bool IsClient(AdditionalText text) =>
        string.Equals(System.IO.Path.GetFileName(text.Path), ClientFile, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The models' tree of <paramref name="compilation"/> with <paramref name="clientTree"/>, or a tree-less marker for a
    /// compilation that only references the library (<paramref name="libraryType"/> is in metadata), or lacks either.
    /// </summary>
    public static GeneratedSource Find(Compilation compilation, SyntaxTree? clientTree, string libraryType, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var models = compilation.SyntaxTrees.FirstOrDefault(t => string.Equals(System.IO.Path.GetFileName(t.FilePath), ModelsFile, StringComparison.OrdinalIgnoreCase));
        if (models is not null && clientTree is not null)
            return new GeneratedSource(models, clientTree, compilation.AssemblyName, (CSharpCompilationOptions)compilation.Options, "source");
        if (models is not null) return Missing;
        var type = compilation.GetTypeByMetadataName(libraryType);
        return type is not null && !type.Locations.Any(l => l.IsInSource) ? Elsewhere : Missing;
    }

    /// <summary>A marker for a compilation that declares <paramref name="typeName"/> in source (by name only, no tree).</summary>
    public static GeneratedSource Declaring(Compilation compilation, string typeName)
    {
        var type = compilation.GetTypeByMetadataName(typeName);
        return type is not null && type.Locations.Any(l => l.IsInSource)
            ? new GeneratedSource(null, null, compilation.AssemblyName, (CSharpCompilationOptions)compilation.Options, "declaring")
            : Elsewhere;
    }

    public bool IsElsewhere => ReferenceEquals(this, Elsewhere);

    /// <summary>The trees (if any) over the references, under the original assembly name (which internals are granted to).</summary>
    public Compilation Compile(ImmutableArray<MetadataReference> references) =>
        CSharpCompilation.Create(AssemblyName, new[] { Tree, ClientTree }.Where(t => t is not null).Cast<SyntaxTree>(), references, Options);

    public bool Equals(GeneratedSource? other) =>
        other is not null && ReferenceEquals(Tree, other.Tree) && ReferenceEquals(ClientTree, other.ClientTree) && _state == other._state
        && string.Equals(AssemblyName, other.AssemblyName, StringComparison.Ordinal) && Equals(Options, other.Options);

    public override bool Equals(object? obj) => Equals(obj as GeneratedSource);

    public override int GetHashCode() => (Tree?.GetHashCode() ?? 0) ^ _state.GetHashCode();
}
