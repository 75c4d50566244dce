using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.SpecMerge;

/// <summary>
/// Applies an OpenAPI Overlay 1.0 document (<c>actions</c>, each with a JSONPath <c>target</c> and
/// either <c>update</c> or <c>remove: true</c>) to a merged spec.
/// </summary>
/// <remarks>
/// Semantics, as the Overlay 1.0 specification gives them:
/// an object <c>update</c> is merged recursively into every object the target selects (objects merge,
/// everything else is replaced); an <c>update</c> on an array target appends the value (each item,
/// when the value is itself an array); <c>remove</c> deletes every selected node from its parent.
/// Removing a primitive (e.g. a schema's <c>type</c>) is allowed as well.
/// Stricter than the specification on purpose: an action whose target selects nothing fails, so a
/// correction the spec no longer needs is noticed and deleted instead of silently doing nothing.
/// JSONPath is Newtonsoft.Json's implementation (filters such as <c>[?(@.type == 'object')]</c> work).
/// </remarks>
public static class OverlayApplier
{
    /// <summary>Applies every action of <paramref name="overlay"/> to <paramref name="document"/>, in order.</summary>
    /// <param name="document">The merged spec; modified in place.</param>
    /// <param name="overlay">The overlay document.</param>
    /// <param name="overlayName">The overlay's file name, for messages.</param>
    /// <exception cref="SpecMergeException">The overlay is malformed or an action matches nothing.</exception>
    public static void Apply(JObject document, JObject overlay, string overlayName)
    {
        if (document is null) throw new ArgumentNullException(nameof(document));
        if (overlay is null) throw new ArgumentNullException(nameof(overlay));

        var version = (string?)overlay["overlay"];
        if (version is null || !version.StartsWith("1.0.", StringComparison.Ordinal))
            throw new SpecMergeException($"'{overlayName}' is not an Overlay 1.0 document (its 'overlay' field is '{version}').");
        if (overlay["actions"] is not JArray actions)
            throw new SpecMergeException($"'{overlayName}' has no 'actions' array.");

        var index = 0;
        foreach (var token in actions)
        {
            index++;
            if (token is not JObject action)
                throw new SpecMergeException($"'{overlayName}' action #{index} is not an object.");
            ApplyAction(document, action, $"'{overlayName}' action #{index} ({Describe(action)})", overlayName);
        }
    }

    private static void ApplyAction(JObject document, JObject action, string name, string overlayFile)
    {
        var target = (string?)action["target"];
        if (string.IsNullOrEmpty(target) || target![0] != '$')
            throw new SpecMergeException($"{name} needs a 'target' JSONPath starting with '$'.");
        if (string.IsNullOrWhiteSpace((string?)action["description"]))
            throw new SpecMergeException($"{name} needs a 'description': every correction says why it exists.");

        var remove = action["remove"]?.Type == JTokenType.Boolean && (bool)action["remove"]!;
        var update = action["update"];
        if (remove == (update is not null))
            throw new SpecMergeException($"{name} must have exactly one of 'update' or 'remove: true'.");

        List<JToken> nodes;
        try
        {
            nodes = document.SelectTokens(target).ToList();
        }
        catch (JsonException ex)
        {
            throw new SpecMergeException($"{name} has a target that is not valid JSONPath: {ex.Message}");
        }
        if (nodes.Count == 0)
        {
            var (line, column) = action is Newtonsoft.Json.IJsonLineInfo info && info.HasLineInfo() ? (info.LineNumber, info.LinePosition) : (0, 0);
            throw new SpecMergeException(new[]
            {
                new SpecProblem(
                    SpecProblem.StaleOverlay,
                    $"{name}: its target \"{target}\" matches nothing in the merged spec. Check it against the fragments' paths " +
                    "(a typo, a renamed path or parameter); if the fragments no longer need this correction, delete it.",
                    overlayFile, line, column),
            });
        }

        foreach (var node in nodes)
        {
            if (remove) Remove(node, name);
            else Update(node, update!, name);
        }
    }

    private static void Remove(JToken node, string name)
    {
        switch (node.Parent)
        {
            case JProperty property:
                property.Remove();
                break;
            case JArray:
                node.Remove();
                break;
            default:
                throw new SpecMergeException($"{name} cannot remove the document root.");
        }
    }

    private static void Update(JToken node, JToken update, string name)
    {
        switch (node)
        {
            case JArray array when update is JArray items:
                foreach (var item in items) array.Add(item.DeepClone());
                break;
            case JArray array:
                array.Add(update.DeepClone());
                break;
            case JObject target when update is JObject patch:
                MergeInto(target, patch);
                break;
            default:
                throw new SpecMergeException(
                    $"{name} selects a {node.Type} at '{node.Path}'; 'update' needs an object or array target " +
                    "(to change a primitive, update its parent object).");
        }
    }

    private static void MergeInto(JObject target, JObject patch)
    {
        foreach (var property in patch.Properties())
        {
            if (target[property.Name] is JObject existing && property.Value is JObject nested)
                MergeInto(existing, nested);
            else
                target[property.Name] = property.Value.DeepClone();
        }
    }

    private static string Describe(JObject action) => (string?)action["description"] ?? (string?)action["target"] ?? "no target";
}
