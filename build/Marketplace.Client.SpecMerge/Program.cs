using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Marketplace.Client.SpecMerge;

// Usage: Marketplace.Client.SpecMerge --out <merged.json> [--overlay <overlay.json>] <fragment.json>...
// On failure it prints one line per problem in MSBuild's canonical form (file(line,col): error MPSPECnnn: message), which
// the build shows as errors at those places, and exits 1.
string? output = null;
string? overlay = null;
var fragments = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "--overlay" when i + 1 < args.Length:
            overlay = args[++i];
            break;
        default:
            fragments.Add(args[i]);
            break;
    }
}

if (output is null || fragments.Count == 0)
{
    Console.Error.WriteLine("usage: Marketplace.Client.SpecMerge --out <merged.json> [--overlay <overlay.json>] <fragment.json>...");
    return 2;
}

try
{
    SpecBuilder.BuildFiles(fragments, overlay, output);
    return 0;
}
catch (SpecMergeException ex)
{
    // A problem names a file by its name; the build wants its path. One about no one file is shown at the spec's folder.
    var paths = fragments.Concat(overlay is null ? Array.Empty<string>() : new[] { overlay })
        .GroupBy(Path.GetFileName, StringComparer.Ordinal)
        .ToDictionary(g => g.Key!, g => Path.GetFullPath(g.First()), StringComparer.Ordinal);
    var folder = Path.GetDirectoryName(Path.GetFullPath(fragments[0])) ?? ".";
    foreach (var problem in ex.Problems)
        Console.Error.WriteLine(problem.ToCanonical(name => paths.TryGetValue(name, out var full) ? full : name, folder));
    return 1;
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Cannot read or write the spec: {ex.Message}");
    return 1;
}
