using System;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>One OpenAPI fragment: its file name (used in messages and for ordering) and its JSON.</summary>
public sealed class SpecFragment
{
    /// <summary>Creates a fragment from its name and parsed document.</summary>
    /// <param name="name">The file name the fragment came from, e.g. <c>list-installations.json</c>.</param>
    /// <param name="document">The fragment's OpenAPI document.</param>
    public SpecFragment(string name, JObject document)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Document = document ?? throw new ArgumentNullException(nameof(document));
    }

    /// <summary>The file name the fragment came from.</summary>
    public string Name { get; }

    /// <summary>The fragment's OpenAPI document.</summary>
    public JObject Document { get; }

    /// <summary>Parses a fragment, turning a JSON syntax error into a message that names the file.</summary>
    /// <param name="name">The file name, for messages.</param>
    /// <param name="json">The file's text.</param>
    public static SpecFragment Parse(string name, string json)
    {
        try
        {
            return new SpecFragment(name, JObject.Parse(json));
        }
        catch (Newtonsoft.Json.JsonReaderException ex)
        {
            throw new SpecMergeException($"'{name}' is not a JSON object: {ex.Message}");
        }
    }
}
