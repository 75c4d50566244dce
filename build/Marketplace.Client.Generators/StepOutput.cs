using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.Generators;

/// <summary>
/// What one generator step produces: a source text and the diagnostics to report with it. Compared by value, so the
/// incremental pipeline re-emits nothing when an edit leaves the text as it was.
/// </summary>
internal sealed class StepOutput : IEquatable<StepOutput>
{
    /// <summary>The compilation is not one this step writes for: nothing to add, nothing to report.</summary>
    public static readonly StepOutput Elsewhere = new(null, new[] { "elsewhere" });

    public StepOutput(string? source, IReadOnlyList<string>? problems = null)
    {
        Source = source;
        Problems = problems ?? Array.Empty<string>();
    }

    public string? Source { get; }

    /// <summary>Diagnostic arguments, each joined with U+001F.</summary>
    public IReadOnlyList<string> Problems { get; }

    public bool Equals(StepOutput? other) =>
        other is not null && string.Equals(Source, other.Source, StringComparison.Ordinal) && Problems.SequenceEqual(other.Problems, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as StepOutput);

    public override int GetHashCode() => Source is null ? 0 : StringComparer.Ordinal.GetHashCode(Source);
}
