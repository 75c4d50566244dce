using System;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Serialization;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// Every recording, three ways: its body conforms to the merged spec (or is marked as tolerated, and then
/// must be tolerated); what the client parses from it is snapshotted; and nothing is lost when the parsed
/// page is written back. A new recording is a new mapping file: no C# needed.
/// </summary>
public sealed class RecordingContractTests : IClassFixture<RecordingContractTests.Server>
{
    private readonly Server _server;

    public RecordingContractTests(Server server) => _server = server;

    public static TheoryData<string> Successes() => Data(r => r.IsSuccess);

    public static TheoryData<string> Failures() => Data(r => !r.IsSuccess);

    public static TheoryData<string> AllRecordings() => Data(_ => true);

    [Theory]
    [MemberData(nameof(Successes))]
    public void Conforms_to_the_spec_or_is_marked_as_tolerated(string name)
    {
        var recording = Recording.Named(name);

        var violations = recording.IsStreamed
            ? ContractSpec.StreamViolations(recording.Operation, recording.Lines)
            : ContractSpec.Violations(recording.Operation, recording.Body);

        if (recording.Tolerates.Count == 0)
        {
            Assert.True(violations.Count == 0,
                $"Recording {name} does not conform to the merged spec ({recording.Operation} 200):\n  " + string.Join("\n  ", violations) +
                "\nEither the recording, the overlay or the server changed. If the recording is meant to carry what the spec does not know, " +
                "say why in its \"Data\": {\"tolerates\": [...]}.");
        }
        else
        {
            Assert.True(violations.Count > 0, $"Recording {name} is marked as tolerated ({string.Join("; ", recording.Tolerates)}) but conforms: remove the mark.");
        }
    }

    [Theory]
    [MemberData(nameof(AllRecordings))]
    public async Task Parses_to_its_snapshot(string name)
    {
        var recording = Recording.Named(name);
        using var client = _server.Serve(recording);

        object parsed;
        try
        {
            parsed = await CallAsync(client, recording);
            Assert.True(recording.IsSuccess, $"Recording {name} answers {recording.Status}, yet the client returned a result.");
        }
        catch (MarketplaceApiException error) when (!recording.IsSuccess)
        {
            Assert.Equal(recording.Status, error.StatusCode);
            parsed = new
            {
                error.StatusCode, error.Title, error.Detail, error.Type, error.Instance, error.TraceId,
                Errors = error.Errors.Select(e => new { e.Field, e.Message, e.Code }), error.ResponseExcerpt, error.Message,
            };
        }

        Snapshot.Match(parsed, SnapshotNameExtension.Create(name.Replace('/', '.')));
        LoadedRecordings.Mark(recording);
    }

    [Theory]
    [MemberData(nameof(Successes))]
    public async Task Writes_back_what_the_server_sent(string name)
    {
        var recording = Recording.Named(name);
        using var client = _server.Serve(recording);

        var written = Recording.ParseRaw(MarketplaceJson.Serialize(await CallAsync(client, recording)));

        var differences = JsonDifferences.Between(recording.IsStreamed ? new JArray(recording.Lines) : recording.Body, written);
        Assert.True(differences.Count == 0, $"Writing back what the client parsed from {name} loses or changes:\n  " + string.Join("\n  ", differences));
    }

    /// <summary>Calls the operation the recording answers, with its extension ID, limit and offset.</summary>
    internal static Task<object> CallAsync(MarketplaceClient client, Recording recording, System.Threading.CancellationToken cancellationToken = default) => (recording.Operation, recording.IsStreamed) switch
    {
        ("ListExtensionInstances", true) => Drain(client.StreamAllExtensionInstancesAsync(recording.ExtensionId, cancellationToken: cancellationToken)),
        ("ListInstallations", true) => Drain(client.StreamAllInstallationsAsync(recording.ExtensionId, cancellationToken: cancellationToken)),
        ("ListExtensionInstances", false) => Box(client.ListExtensionInstancesAsync(recording.ExtensionId, recording.Limit, recording.Offset, cancellationToken)),
        ("ListInstallations", false) => Box(client.ListInstallationsAsync(recording.ExtensionId, recording.Limit, recording.Offset, cancellationToken)),
        _ => throw new InvalidOperationException(
            $"Recording {recording.Name} is in folder '{recording.Operation}', which names no operation this test knows; add it to {nameof(CallAsync)}."),
    };

    private static async Task<object> Box<T>(Task<T> task) where T : notnull => await task;

    private static async Task<object> Drain<T>(System.Collections.Generic.IAsyncEnumerable<T> items)
    {
        var list = new System.Collections.Generic.List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    private static TheoryData<string> Data(Func<Recording, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var recording in Recording.All.Where(filter)) data.Add(recording.Name);
        return data;
    }

    /// <summary>One test server for the class; each case serves exactly one recording.</summary>
    public sealed class Server : IDisposable
    {
        private readonly TestApi _api = new();

        public MarketplaceClient Serve(Recording recording)
        {
            _api.Server.Reset();
            _api.Server.LoadRecordings(recording.File);
            return _api.CreateClient(o =>
            {
                o.Token = "idt:TKN-1234-5678:contract";
                o.Retry.Enabled = false;
            });
        }

        public void Dispose() => _api.Dispose();
    }
}
