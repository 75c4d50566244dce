using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// Merges OpenAPI fragments into one document. The result depends only on the fragments' content
/// and names, never on the order they are given in: fragments are taken in ordinal name order,
/// paths and components are sorted by name, and an identical component is kept once, from the
/// first fragment by name. Two fragments that define the same component differently, define the
/// same operation twice, or disagree on the document header make the merge fail.
/// </summary>
public static class FragmentMerger
{
    // Header fields every fragment repeats; they must agree, or the merged document would lie about one of them.
    private static readonly string[] HeaderKeys = { "openapi", "info", "servers" };

    private static readonly string[] OperationOrder = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };

    /// <summary>Merges the fragments.</summary>
    /// <param name="fragments">At least one fragment; names must be unique.</param>
    /// <returns>A new document; the fragments are not modified.</returns>
    /// <exception cref="SpecMergeException">The fragments conflict.</exception>
    public static JObject Merge(IEnumerable<SpecFragment> fragments)
    {
        if (fragments is null) throw new ArgumentNullException(nameof(fragments));
        var ordered = fragments.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0) throw new SpecMergeException("No OpenAPI fragment was given.");
        var duplicateName = ordered.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateName is not null) throw new SpecMergeException($"Two fragments are named '{duplicateName.Key}'.");

        var merged = new JObject();
        foreach (var key in HeaderKeys) MergeHeader(merged, ordered, key);

        var paths = new SortedDictionary<string, (JObject Item, Dictionary<string, string> Owners)>(StringComparer.Ordinal);
        var components = new SortedDictionary<string, SortedDictionary<string, (JToken Value, string Owner)>>(StringComparer.Ordinal);
        var tags = new SortedDictionary<string, (JToken Value, string Owner)>(StringComparer.Ordinal);
        var extensions = new SortedDictionary<string, (JToken Value, string Owner)>(StringComparer.Ordinal);

        foreach (var fragment in ordered)
        {
            foreach (var property in fragment.Document.Properties())
            {
                switch (property.Name)
                {
                    case "openapi":
                    case "info":
                    case "servers":
                        break;
                    case "paths":
                        foreach (var path in RequireObject(property.Value, fragment, "paths").Properties())
                            MergePath(paths, path.Name, RequireObject(path.Value, fragment, $"paths['{path.Name}']"), fragment.Name);
                        break;
                    case "components":
                        foreach (var section in RequireObject(property.Value, fragment, "components").Properties())
                        {
                            if (!components.TryGetValue(section.Name, out var entries))
                                components[section.Name] = entries = new SortedDictionary<string, (JToken, string)>(StringComparer.Ordinal);
                            foreach (var entry in RequireObject(section.Value, fragment, $"components.{section.Name}").Properties())
                                AddOnce(entries, entry.Name, entry.Value, fragment.Name, $"Component '{section.Name}/{entry.Name}'");
                        }
                        break;
                    case "tags":
                        foreach (var tag in property.Value.Children<JObject>())
                        {
                            var name = (string?)tag["name"] ?? throw new SpecMergeException($"'{fragment.Name}' has a tag without a name.");
                            AddOnce(tags, name, tag, fragment.Name, $"Tag '{name}'");
                        }
                        break;
                    default:
                        AddOnce(extensions, property.Name, property.Value, fragment.Name, $"Top-level field '{property.Name}'");
                        break;
                }
            }
        }

        var pathsObject = new JObject();
        foreach (var path in paths) pathsObject.Add(path.Key, path.Value.Item);
        merged["paths"] = pathsObject;

        if (components.Count > 0)
        {
            var componentsObject = new JObject();
            foreach (var section in components)
            {
                var sectionObject = new JObject();
                foreach (var entry in section.Value) sectionObject.Add(entry.Key, entry.Value.Value.DeepClone());
                componentsObject.Add(section.Key, sectionObject);
            }
            merged["components"] = componentsObject;
        }

        if (tags.Count > 0) merged["tags"] = new JArray(tags.Values.Select(t => t.Value.DeepClone()));
        foreach (var extension in extensions) merged[extension.Key] = extension.Value.Value.DeepClone();
        return merged;
    }

    private static void MergeHeader(JObject merged, List<SpecFragment> fragments, string key)
    {
        JToken? value = null;
        string? owner = null;
        foreach (var fragment in fragments)
        {
            var candidate = fragment.Document[key];
            if (candidate is null) continue;
            if (value is null)
            {
                value = candidate;
                owner = fragment.Name;
            }
            else if (!JToken.DeepEquals(value, candidate))
            {
                throw new SpecMergeException(
                    $"'{key}' differs between '{owner}' and '{fragment.Name}': fragments of one API must share it.");
            }
        }
        if (value is not null) merged[key] = value.DeepClone();
    }

    private static void MergePath(
        SortedDictionary<string, (JObject Item, Dictionary<string, string> Owners)> paths,
        string path,
        JObject item,
        string fragmentName)
    {
        if (!paths.TryGetValue(path, out var existing))
        {
            var owners = item.Properties().ToDictionary(p => p.Name, _ => fragmentName, StringComparer.Ordinal);
            var copy = (JObject)item.DeepClone();
            foreach (var field in copy.Properties()) MarkOrigin(field, fragmentName);
            paths[path] = (SortPathItem(copy), owners);
            return;
        }

        foreach (var field in item.Properties())
        {
            var current = existing.Item[field.Name];
            if (current is null)
            {
                existing.Item[field.Name] = field.Value.DeepClone();
                MarkOrigin(existing.Item.Property(field.Name)!, fragmentName);
                existing.Owners[field.Name] = fragmentName;
            }
            else if (Array.IndexOf(OperationOrder, field.Name) >= 0)
            {
                throw new SpecMergeException(
                    $"Operation '{field.Name.ToUpperInvariant()} {path}' is defined in both '{existing.Owners[field.Name]}' and '{fragmentName}'.");
            }
            else if (!JToken.DeepEquals(current, field.Value))
            {
                throw new SpecMergeException(
                    $"Path '{path}' field '{field.Name}' differs between '{existing.Owners[field.Name]}' and '{fragmentName}'.");
            }
        }
        paths[path] = (SortPathItem(existing.Item), existing.Owners);
    }

    // An operation remembers its fragment (clones keep annotations, and line numbers, which are annotations too), so an
    // error about it can name the file and the line.
    private static void MarkOrigin(JProperty field, string fragmentName)
    {
        if (Array.IndexOf(OperationOrder, field.Name) >= 0 && field.Value is JObject operation) operation.AddAnnotation(new SpecOrigin(fragmentName));
    }

    // Operations from several fragments land in a fixed order, so the output does not depend on which file came first.
    private static JObject SortPathItem(JObject item)
    {
        var sorted = new JObject();
        foreach (var property in item.Properties()
                     .OrderBy(p => Array.IndexOf(OperationOrder, p.Name) is var i && i >= 0 ? i : int.MaxValue)
                     .ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            sorted.Add(property.Name, property.Value.DeepClone());
        }
        return sorted;
    }

    private static void AddOnce(
        SortedDictionary<string, (JToken Value, string Owner)> entries,
        string name,
        JToken value,
        string fragmentName,
        string what)
    {
        if (!entries.TryGetValue(name, out var existing))
        {
            entries[name] = (value, fragmentName);
        }
        else if (!JToken.DeepEquals(existing.Value, value))
        {
            throw new SpecMergeException(
                $"{what} is defined differently in '{existing.Owner}' and '{fragmentName}'. " +
                "Fragments must come from the same version of the API document.");
        }
    }

    private static JObject RequireObject(JToken token, SpecFragment fragment, string where) =>
        token as JObject ?? throw new SpecMergeException($"'{fragment.Name}': '{where}' must be a JSON object.");
}
