using System;
using System.Collections.Generic;
using System.IO;
using Marketplace.Client.SpecMerge;

// Usage: Marketplace.Client.SpecMerge --out <merged.json> [--overlay <overlay.json>] <fragment.json>...
// On failure it prints only the reason and exits 1; the build turns that text into one error.
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
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Cannot read or write the spec: {ex.Message}");
    return 1;
}
