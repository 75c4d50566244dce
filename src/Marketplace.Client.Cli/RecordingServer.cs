using System;
using System.IO;
using WireMock.Server;

namespace Marketplace.Client.Cli;

/// <summary>
/// A WireMock.Net server on a free loopback port that plays back the recorded responses
/// (WireMock mapping files, one folder per operation). The sample uses it when no real API is named;
/// the tests use it as the stand-in server.
/// </summary>
public sealed class RecordingServer : IDisposable
{
    private readonly WireMockServer _server;

    private RecordingServer(WireMockServer server) => _server = server;

    /// <summary>The folder the recordings are copied to beside the sample's binaries.</summary>
    public static string DefaultRecordingsDirectory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseUri => new(_server.Url! + "/");

    /// <summary>The underlying server, for tests that inspect the requests it received.</summary>
    public WireMockServer Server => _server;

    /// <summary>Starts a server with every mapping file found under <paramref name="recordingsDirectory"/>.</summary>
    /// <param name="recordingsDirectory">A folder of mapping files, searched recursively.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static RecordingServer Start(string recordingsDirectory)
    {
        if (!Directory.Exists(recordingsDirectory))
            throw new DirectoryNotFoundException($"No recordings folder at '{recordingsDirectory}'.");

        var server = WireMockServer.Start();
        try
        {
            foreach (var file in Directory.EnumerateFiles(recordingsDirectory, "*.json", SearchOption.AllDirectories))
                server.ReadStaticMappingAndAddOrUpdate(file);
            return new RecordingServer(server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _server.Dispose();
}
