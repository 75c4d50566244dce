using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Cli;
using Marketplace.Client.Tests.Contract;
using Newtonsoft.Json.Linq;
using Spectre.Console;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Marketplace.Client.Tests.Recording;

/// <summary>
/// The sample's record command against a stand-in for the real API (a second WireMock with a token check and
/// personal data in its pages): what it writes holds no secret and no personal data, is the same bytes on every
/// recording of the same data, and plays back through ListAll…Async.
/// </summary>
public sealed class RecordCommandTests : IDisposable
{
    private const string Extension = "EXT-7000-8000-9000";
    private const string Token = "idt:TKN-9999-0000:stand-in-secret";
    private static readonly string[] PersonNames = { "Jane Operator", "Chris Buyer", "Alex Approver" };
    private const string Email = "jane.operator@contoso.example";

    private readonly WireMockServer _standIn = WireMockServer.Start();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "marketplace-record-" + Guid.NewGuid().ToString("N"));

    public RecordCommandTests()
    {
        ServeCollection("instances", 5, Instance);
        ServeCollection("installations", 3, Installation);
        _standIn.Given(Request.Create().UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/problem+json").WithBody("""{"title":"Unauthorized","status":401}"""));
    }

    public void Dispose()
    {
        _standIn.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static JObject Event(int n, string at) => new()
    {
        ["at"] = at,
        ["by"] = new JObject { ["id"] = n % 2 == 0 ? "USR-1111-2222" : "TKN-6587-4477", ["name"] = PersonNames[n % PersonNames.Length], ["icon"] = null, ["revision"] = 1 },
    };

    private static JObject Instance(int n) => new()
    {
        ["id"] = $"INS-7000-8000-9000-{n:0000}",
        ["name"] = $"node-{n}",
        ["revision"] = 1,
        ["extension"] = new JObject { ["id"] = Extension, ["name"] = "Stand-in", ["icon"] = null, ["revision"] = 1 },
        ["meta"] = new JObject { ["id"] = "MET-1", ["name"] = "stand-in", ["revision"] = 1, ["version"] = "1.0.0" },
        ["externalId"] = $"crm-customer-{n}",
        ["status"] = new[] { "Running", "Connecting", "Disconnected", "Deleted" }[n % 4],
        ["channel"] = new JObject { ["identity"] = new JObject { ["id"] = "TKN-6587-4477", ["contact"] = Email } },
        ["audit"] = new JObject { ["created"] = Event(n, "2025-03-14T09:26:53.123Z") },
    };

    private static JObject Installation(int n) => new()
    {
        ["id"] = $"EXI-7000-8000-{n:0000}",
        ["name"] = $"Installation {n}",
        ["revision"] = 1,
        ["account"] = new JObject { ["id"] = "ACC-1111-1111", ["name"] = "Contoso Ltd.", ["icon"] = null, ["revision"] = 1, ["type"] = "Client", ["status"] = "Active" },
        ["extension"] = new JObject { ["id"] = Extension, ["name"] = "Stand-in", ["icon"] = null, ["revision"] = 1 },
        ["status"] = "Invited",
        ["configuration"] = new JObject { ["notify"] = Email },
        ["invitation"] = new JObject { ["url"] = $"https://portal.platform.softwareone.com/invitations/INV-{n}?code=secret{n}", ["expiresAt"] = null, ["message"] = $"Hello, write to {Email}", ["externalId"] = $"deal-{n}", ["validity"] = "7d" },
        ["modules"] = new JArray(),
        ["terms"] = new JArray(new JObject { ["id"] = "TCS-1", ["name"] = "Terms", ["revision"] = 1, ["accepted"] = null, ["acceptedBy"] = new JObject { ["id"] = "USR-5555-6666", ["name"] = "Chris Buyer", ["icon"] = null, ["revision"] = 1 } }),
        ["audit"] = new JObject { ["created"] = Event(n, "2025-06-01T00:00:00.000Z"), ["invited"] = Event(n + 1, "2025-06-01T00:00:00.000Z") },
    };

    private void ServeCollection(string collection, int total, Func<int, JObject> item)
    {
        var path = $"/public/v1/integration/extensions/{Extension}/{collection}";
        _standIn.Given(Request.Create().WithPath(path).UsingGet().WithHeader("Authorization", "Bearer " + Token))
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                if (request.Headers!.TryGetValue("MPT-Streaming", out var streaming) && streaming.Contains("true"))
                {
                    return new WireMock.ResponseMessage
                    {
                        StatusCode = 200,
                        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>>
                        {
                            ["Content-Type"] = new("application/jsonl"),
                            ["MPT-Streaming"] = new("true"),
                            ["MPT-Item-Count"] = new(total.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        },
                        BodyData = new WireMock.Util.BodyData
                        {
                            BodyAsString = string.Concat(Enumerable.Range(0, total).Select(i => item(i).ToString(Newtonsoft.Json.Formatting.None) + "\n")),
                            DetectedBodyType = WireMock.Types.BodyType.String,
                        },
                    };
                }
                var limit = int.Parse(request.Query!["limit"].Single());
                var offset = int.Parse(request.Query["offset"].Single());
                var page = new JObject
                {
                    ["$meta"] = new JObject { ["pagination"] = new JObject { ["offset"] = offset, ["limit"] = limit, ["total"] = total }, ["omitted"] = new JArray() },
                    ["data"] = new JArray(Enumerable.Range(offset, Math.Max(0, Math.Min(limit, total - offset))).Select(item)),
                };
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = page.ToString(), DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
    }

    private async Task<(int ExitCode, string Output, string Error, string Folder)> RecordAsync(string name, params string[] extra)
    {
        var folder = Path.Combine(_root, name);
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 200;
        var args = new[] { "record", "--base-url", _standIn.Url + "/", "--extension", Extension, "--out", folder, "--page-size", "2" }.Concat(extra).ToArray();
        var exitCode = await SampleApp.RunAsync(args, console, error, variable => variable == SampleApp.TokenVariable ? Token : null);
        return (exitCode, output.ToString(), error.ToString(), folder);
    }

    private static Dictionary<string, string> Files(string folder) => Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText);

    [Fact]
    public async Task Records_every_page_and_the_count_and_shows_progress()
    {
        var (exitCode, output, error, folder) = await RecordAsync("session");

        Assert.True(exitCode == SampleApp.Success, error);
        Assert.Equal(
            new[] { "ListExtensionInstances/count.json", "ListExtensionInstances/page-1.json", "ListExtensionInstances/page-2.json", "ListExtensionInstances/page-3.json",
                    "ListExtensionInstances/streamed.json",
                    "ListInstallations/count.json", "ListInstallations/page-1.json", "ListInstallations/page-2.json", "ListInstallations/streamed.json" },
            Files(folder).Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains("instances: page 3, 5 items of 5 (3 pages)", output, StringComparison.Ordinal);
        Assert.Contains("counted with limit=0: 5 instances, 3 installations", output, StringComparison.Ordinal);
        Assert.Contains("instances: streamed 5 records in one request", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_secret_or_personal_is_written()
    {
        var (_, _, _, folder) = await RecordAsync("session", "--redact", "$..configuration");

        foreach (var (name, text) in Files(folder))
        {
            foreach (var forbidden in new[] { "TKN-", "@", "Bearer", "stand-in-secret", "Authorization", "crm-customer-", "deal-", "code=secret", "contoso.example" }.Concat(PersonNames))
                Assert.False(text.Contains(forbidden, StringComparison.Ordinal), $"{name} contains '{forbidden}'.");
        }
        var installation = JObject.Parse(Files(folder)["ListInstallations/page-1.json"]).SelectToken("Response.BodyAsJson.data[0]")!;
        Assert.Equal("redacted", (string?)installation["configuration"]);
        Assert.StartsWith("https://portal.example.invalid/invitations/", (string?)installation.SelectToken("invitation.url"), StringComparison.Ordinal);
        Assert.StartsWith("external-", (string?)installation.SelectToken("invitation.externalId"), StringComparison.Ordinal);
        Assert.Matches("^Person [0-9a-f]{10}$", (string?)installation.SelectToken("audit.created.by.name"));
        Assert.Matches("^Person [0-9a-f]{10}$", (string?)installation.SelectToken("terms[0].acceptedBy.name"));
        Assert.Equal("Hello, write to email-", ((string?)installation.SelectToken("invitation.message"))![..22]);
        var instance = JObject.Parse(Files(folder)["ListExtensionInstances/page-1.json"]).SelectToken("Response.BodyAsJson.data[1]")!;
        Assert.Matches("^TKX-[0-9]{4}-[0-9]{4}$", (string?)instance.SelectToken("audit.created.by.id"));
        Assert.Equal("INS-7000-8000-9000-0001", (string?)instance["id"]);
    }

    [Fact]
    public async Task Two_recordings_of_the_same_data_are_the_same_bytes_and_fakes_are_consistent()
    {
        var first = Files((await RecordAsync("first")).Folder);
        var second = Files((await RecordAsync("second")).Folder);

        Assert.Equal(first, second);
        var names = first.Values.SelectMany(t => JObject.Parse(t).SelectTokens("$..audit.created.by.name")).Select(n => (string)n!).Distinct().ToList();
        Assert.Equal(PersonNames.Length, names.Count);
    }

    [Fact]
    public async Task The_recording_plays_back_through_list_all_and_conforms_to_the_spec()
    {
        var (_, _, _, folder) = await RecordAsync("session");
        using var playback = RecordingServer.Start(folder);
        using var recorded = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = playback.BaseUri, Token = "idt:TKN-1234-5678:playback", PageSize = 2 });
        using var direct = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = new Uri(_standIn.Url + "/"), Token = Token, PageSize = 2 });

        Assert.Equal(await ListAsync(direct), await ListAsync(recorded));
        Assert.Equal(5, await recorded.ListAllExtensionInstancesAsync(Extension).GetTotalCountAsync());
        foreach (var file in Directory.EnumerateFiles(folder, "page-*.json", SearchOption.AllDirectories))
        {
            var operation = Path.GetFileName(Path.GetDirectoryName(file))!;
            var body = JObject.Parse(File.ReadAllText(file)).SelectToken("Response.BodyAsJson")!;
            Assert.Empty(ContractSpec.Violations(operation, body));
        }

        // The streamed recording plays back as a stream, with the same (sanitized) records as the pages.
        var streamed = new List<string?>();
        await foreach (var instance in recorded.StreamAllExtensionInstancesAsync(Extension)) streamed.Add(instance.Id);
        var paged = new List<string?>();
        await foreach (var instance in recorded.ListAllExtensionInstancesAsync(Extension)) paged.Add(instance.Id);
        Assert.Equal(paged, streamed);
        var lines = ((string)JObject.Parse(File.ReadAllText(Path.Combine(folder, "ListExtensionInstances", "streamed.json"))).SelectToken("Response.Body")!)
            .Split('\n').Where(l => l.Trim().Length > 0).Select(l => JToken.Parse(l)).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Empty(ContractSpec.StreamViolations("ListExtensionInstances", lines));
    }

    [Fact]
    public async Task Without_a_token_nothing_is_recorded()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });

        var exitCode = await SampleApp.RunAsync(new[] { "record", "--extension", Extension, "--out", Path.Combine(_root, "none") }, console, error, _ => null);

        Assert.Equal(SampleApp.UsageError, exitCode);
        Assert.Contains("MPT_API_TOKEN is not set", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "none")));
    }

    private static async Task<List<string>> ListAsync(MarketplaceClient client)
    {
        var items = new List<string>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync(Extension)) items.Add($"{instance.Id} {instance.Status} {instance.Audit?.Created?.At:O}");
        await foreach (var installation in client.ListAllInstallationsAsync(Extension)) items.Add($"{installation.Id} {installation.Status} {installation.Invitation?.Validity}");
        return items;
    }
}
