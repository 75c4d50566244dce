using System;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Benchmarks;

/// <summary>Realistic page bodies: the recorded items, repeated with distinct IDs, as the server would write them.</summary>
public static class Pages
{
    private static readonly string Recordings = Path.Combine(AppContext.BaseDirectory, "Recordings");

    private static JObject[] RecordedItems(string operation, string recording) =>
        JObject.Parse(File.ReadAllText(Path.Combine(Recordings, operation, recording + ".json")))
            .SelectToken("Response.BodyAsJson.data")!.Children<JObject>().ToArray();

    private static readonly Lazy<JObject[]> InstanceTemplates = new(() => RecordedItems("ListExtensionInstances", "one-page"));
    private static readonly Lazy<JObject[]> InstallationTemplates = new(() =>
        RecordedItems("ListInstallations", "one-page").Concat(RecordedItems("ListInstallations", "every-status-and-validity")).ToArray());

    /// <summary>A page of <paramref name="count"/> instances starting at <paramref name="offset"/>, compact UTF-8 JSON.</summary>
    public static byte[] Instances(int offset, int count, int total, int limit = 100) =>
        Page(InstanceTemplates.Value, offset, count, total, limit, "INS-6587-4477-{0:0000}-{1:0000}");

    /// <summary>A page of <paramref name="count"/> installations starting at <paramref name="offset"/>, compact UTF-8 JSON.</summary>
    public static byte[] Installations(int offset, int count, int total, int limit = 100) =>
        Page(InstallationTemplates.Value, offset, count, total, limit, "EXI-9262-{0:0000}-{1:0000}");

    /// <summary>Records <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> as JSON lines (the streaming format).</summary>
    public static byte[] InstanceLines(int offset, int count)
    {
        var lines = new StringBuilder();
        foreach (var item in Items(InstanceTemplates.Value, offset, count, "INS-6587-4477-{0:0000}-{1:0000}"))
            lines.Append(item.ToString(Newtonsoft.Json.Formatting.None)).Append('\n');
        return Encoding.UTF8.GetBytes(lines.ToString());
    }

    private static System.Collections.Generic.IEnumerable<JObject> Items(JObject[] templates, int offset, int count, string idFormat)
    {
        for (var i = 0; i < count; i++)
        {
            var item = (JObject)templates[(offset + i) % templates.Length].DeepClone();
            var n = offset + i;
            item["id"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, idFormat, n / 10_000, n % 10_000);
            item["name"] = (string?)item["name"] + " #" + n;
            yield return item;
        }
    }

    private static byte[] Page(JObject[] templates, int offset, int count, int total, int limit, string idFormat)
    {
        var data = new JArray(Items(templates, offset, count, idFormat));
        var page = new JObject
        {
            ["$meta"] = new JObject { ["pagination"] = new JObject { ["offset"] = offset, ["limit"] = limit, ["total"] = total }, ["omitted"] = new JArray() },
            ["data"] = data,
        };
        return Encoding.UTF8.GetBytes(page.ToString(Newtonsoft.Json.Formatting.None));
    }
}
