using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>The whole step: read fragments and overlay, merge, apply, write the result deterministically.</summary>
public static class SpecBuilder
{
    /// <summary>Merges the fragments, applies the overlay (if any), then the rules (<see cref="SpecRules"/>), and returns the result as text.</summary>
    /// <param name="fragments">The fragments.</param>
    /// <param name="overlay">The overlay and its file name, or <see langword="null"/> for none.</param>
    /// <returns>Indented JSON with <c>\n</c> line endings and a final newline: the same bytes for the same input on any OS.</returns>
    public static string Build(IEnumerable<SpecFragment> fragments, (string Name, JObject Document)? overlay)
    {
        var merged = FragmentMerger.Merge(fragments);
        if (overlay is { } o) OverlayApplier.Apply(merged, o.Document, o.Name);
        SpecRules.Apply(merged);
        return Serialize(merged);
    }

    /// <summary>Reads the files, builds the spec and writes it to <paramref name="outputPath"/> if its content changed.</summary>
    /// <param name="fragmentPaths">Paths of the fragment files.</param>
    /// <param name="overlayPath">Path of the overlay file, or <see langword="null"/>.</param>
    /// <param name="outputPath">Where the merged spec goes.</param>
    public static void BuildFiles(IEnumerable<string> fragmentPaths, string? overlayPath, string outputPath)
    {
        var fragments = fragmentPaths.Select(p => SpecFragment.Parse(Path.GetFileName(p), File.ReadAllText(p))).ToList();
        (string, JObject)? overlay = null;
        if (overlayPath is not null)
        {
            var parsed = SpecFragment.Parse(Path.GetFileName(overlayPath), File.ReadAllText(overlayPath));
            overlay = (parsed.Name, parsed.Document);
        }

        var text = Build(fragments, overlay);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        if (File.Exists(outputPath) && File.ReadAllText(outputPath) == text) return;
        File.WriteAllText(outputPath, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string Serialize(JObject document)
    {
        var writer = new StringWriter { NewLine = "\n" };
        using (var json = new JsonTextWriter(writer) { Formatting = Formatting.Indented, Indentation = 2, CloseOutput = false })
        {
            document.WriteTo(json);
        }
        writer.Write('\n');
        return writer.ToString();
    }
}
