using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using Marketplace.Client.Cli;

namespace Marketplace.Client.Tests.Contract;

/// <summary>The recorded responses served by WireMock.Net on a free loopback port, and a client pointed at them.</summary>
public sealed class RecordedApi : IDisposable
{
    public const string ExtensionId = "EXT-6822-9898-4256";

    private readonly HttpClient _http;

    public RecordedApi()
    {
        Server = RecordingServer.Start(Path.Combine(AppContext.BaseDirectory, "Recordings"));
        _http = new HttpClient { BaseAddress = Server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1234-5678:test-secret");
        Client = new MarketplaceClient(_http);
    }

    public RecordingServer Server { get; }

    public MarketplaceClient Client { get; }

    public void Dispose()
    {
        _http.Dispose();
        Server.Dispose();
    }
}
