using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// One recorded response: a WireMock.Net mapping file in a folder named after its operationId, under Recordings/
/// (directly, or in a session folder written by the sample's record command). Its name is its path
/// there without ".json". A recording that deliberately carries what the spec does not know says so in
/// <c>"Data": {"tolerates": ["why", ...]}</c>; it is then checked to be tolerated instead of to conform.
/// </summary>
public sealed class Recording
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Recordings");

    private Recording(string file)
    {
        File = file;
        Name = Path.GetRelativePath(Directory, file).Replace('\\', '/')[..^".json".Length];
        Operation = Path.GetFileName(Path.GetDirectoryName(file))!;
        Mapping = (JObject)ParseRaw(System.IO.File.ReadAllText(file));
        var path = (string?)Mapping.SelectToken("Request.Path.Matchers[0].Pattern") ?? throw Invalid("has no Request.Path matcher");
        ExtensionId = Regex.Match(path, "/extensions/([^/]+)/").Groups[1].Value;
        if (ExtensionId.Length == 0) throw Invalid($"has a path without an extension ID: {path}");
        Limit = Param("limit");
        Offset = Param("offset");
        Status = (int?)Mapping.SelectToken("Response.StatusCode") ?? throw Invalid("has no Response.StatusCode");
        BodyText = Mapping.SelectToken("Response.BodyAsJson") is { } json ? json.ToString() : (string?)Mapping.SelectToken("Response.Body") ?? "";
        Tolerates = Mapping.SelectToken("Data.tolerates")?.Values<string>().Where(s => s is not null).Select(s => s!).ToList() ?? new List<string>();
    }

    public string File { get; }

    public string Name { get; }

    /// <summary>The operationId the recording answers: the name of the folder it is in (Recordings/[session/]operationId/file).</summary>
    public string Operation { get; }

    public JObject Mapping { get; }

    public string ExtensionId { get; }

    public int? Limit { get; }

    public int? Offset { get; }

    public int Status { get; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public string BodyText { get; }

    public JToken Body => IsStreamed
        ? throw new InvalidOperationException($"{Name} is a stream: read its {nameof(Lines)}.")
        : ParseRaw(BodyText);

    /// <summary>A response in the platform's streaming mode: one JSON record per line (application/jsonl).</summary>
    public bool IsStreamed =>
        ((string?)Mapping.SelectToken("Response.Headers['Content-Type']"))?.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The records of a streamed recording, keep-alive lines left out.</summary>
    public IReadOnlyList<JToken> Lines => BodyText.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).Select(ParseRaw).ToList();

    /// <summary>
    /// JSON as text: strings stay strings. JToken.Parse's default turns date-looking strings into DateTime values, which
    /// compare as instants and hide a client that rewrites them.
    /// </summary>
    public static JToken ParseRaw(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new System.IO.StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    /// <summary>Why the recording departs from the spec on purpose; empty when it must conform.</summary>
    public IReadOnlyList<string> Tolerates { get; }

    public override string ToString() => Name;

    public static IReadOnlyList<Recording> All { get; } = System.IO.Directory
        .EnumerateFiles(Directory, "*.json", SearchOption.AllDirectories)
        .OrderBy(f => f, StringComparer.Ordinal)
        .Select(f => new Recording(f))
        .ToList();

    public static Recording Named(string name) => All.Single(r => r.Name == name);

    /// <summary>Every recording by name, for [MemberData]; the name keeps test output readable.</summary>
    public static IEnumerable<object[]> Names(Func<Recording, bool>? filter = null) =>
        All.Where(filter ?? (_ => true)).Select(r => new object[] { r.Name });

    private int? Param(string name)
    {
        var value = (string?)Mapping.SelectToken($"Request.Params[?(@.Name == '{name}')].Matchers[0].Pattern");
        return value is null ? null : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private InvalidDataException Invalid(string what) => new($"Recording {File} {what}.");
}
