using System;
using System.Collections.Generic;
using System.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// A reason the spec cannot be built: two fragments disagree, an overlay action is stale, two operations would get one
/// name. Each <see cref="Problems"/> entry is one error the build shows, with the file and place it is about when known.
/// </summary>
public sealed class SpecMergeException : Exception
{
    /// <summary>Creates the exception for one problem that names its files in its text (code MPSPEC001).</summary>
    /// <param name="message">What is wrong, naming the component or action and the files.</param>
    public SpecMergeException(string message)
        : this(new[] { new SpecProblem(SpecProblem.Merge, message) })
    {
    }

    /// <summary>Creates the exception for one or more problems.</summary>
    /// <param name="problems">The problems, each one error of the build.</param>
    public SpecMergeException(IReadOnlyList<SpecProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.Message)))
    {
        Problems = problems;
    }

    /// <summary>The problems, each one error of the build, in the order found.</summary>
    public IReadOnlyList<SpecProblem> Problems { get; }
}

/// <summary>One error of the merge step, with the file (a fragment's or the overlay's name) and place it is about.</summary>
/// <param name="Code">The error code: <see cref="Merge"/>, <see cref="NameCollision"/>, <see cref="StaleOverlay"/> or <see cref="PropertyCollision"/>.</param>
/// <param name="Message">What is wrong and what to do, one line.</param>
/// <param name="File">The file's name (as <see cref="SpecFragment.Name"/>), or <see langword="null"/> when it is about no one file.</param>
/// <param name="Line">The line in <paramref name="File"/> (from 1), or 0 when unknown.</param>
/// <param name="Column">The column in <paramref name="File"/> (from 1), or 0 when unknown.</param>
public sealed record SpecProblem(string Code, string Message, string? File = null, int Line = 0, int Column = 0)
{
    /// <summary>Fragments that conflict, or a spec the step cannot read.</summary>
    public const string Merge = "MPSPEC001";

    /// <summary>Two operations whose names (by rule or given) are the same.</summary>
    public const string NameCollision = "MPSPEC002";

    /// <summary>An overlay action whose target matches nothing in the merged spec.</summary>
    public const string StaleOverlay = "MPSPEC003";

    /// <summary>Two properties of one schema whose C# names (by NJsonSchema's rule or given) are the same.</summary>
    public const string PropertyCollision = "MPSPEC004";

    /// <summary>
    /// The problem in MSBuild's canonical form, <c>file(line,col): error CODE: message</c>, which the build shows as an
    /// error at that place; <paramref name="path"/> turns the file's name into the path shown.
    /// </summary>
    /// <param name="path">The path of a file name; the name itself when it has none.</param>
    /// <param name="fallback">The path shown for a problem about no one file (the spec's folder).</param>
    public string ToCanonical(Func<string, string> path, string fallback)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        var origin = File is null ? fallback : path(File);
        var place = File is not null && Line > 0 ? $"({Line},{Math.Max(Column, 1)})" : "";
        return $"{origin}{place}: error {Code}: {Message.Replace('\r', ' ').Replace('\n', ' ')}";
    }

    /// <summary>Where <paramref name="token"/> is: the file of the fragment it came from and its line and column there.</summary>
    internal static (string? File, int Line, int Column) Place(Newtonsoft.Json.Linq.JToken token)
    {
        var file = token.Annotation<SpecOrigin>()?.File;
        return token is Newtonsoft.Json.IJsonLineInfo info && info.HasLineInfo() ? (file, info.LineNumber, info.LinePosition) : (file, 0, 0);
    }
}

/// <summary>The fragment an operation came from, kept on it (a JSON annotation) through the merge, the overlay and the rules.</summary>
internal sealed class SpecOrigin
{
    public SpecOrigin(string file) => File = file;

    public string File { get; }
}
