using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Marketplace.Client.Tests;

/// <summary>
/// A WireMock.Net server on a free loopback port for tests that need one particular response
/// (an unknown enum value, an error body, a fault), and a client pointed at it.
/// </summary>
public sealed class StubApi : IDisposable
{
    public const string ExtensionId = "EXT-6822-9898-4256";
    public const string InstancesPath = "/public/v1/integration/extensions/" + ExtensionId + "/instances";
    public const string InstallationsPath = "/public/v1/integration/extensions/" + ExtensionId + "/installations";

    private readonly HttpClient _http;

    public StubApi()
    {
        Server = WireMockServer.Start();
        _http = new HttpClient { BaseAddress = new Uri(Server.Url! + "/"), Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idt:TKN-1234-5678:test-secret");
        Client = new MarketplaceClient(_http);
    }

    public WireMockServer Server { get; }

    public MarketplaceClient Client { get; }

    public Uri BaseUri => new(Server.Url! + "/");

    /// <summary>
    /// A client built from options, as users build it: token, retries (fast, for tests) and timeouts included.
    /// </summary>
    public MarketplaceClient CreateClient(Action<MarketplaceClientOptions>? configure = null)
    {
        var options = new MarketplaceClientOptions
        {
            BaseUri = BaseUri,
            Token = Token,
            AttemptTimeout = TimeSpan.FromSeconds(60), // generous: a cold WireMock on a busy 2-core CI machine can take seconds to answer first
            Timeout = TimeSpan.FromSeconds(120),
            Retry = { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
        };
        configure?.Invoke(options);
        return new MarketplaceClient(options);
    }

    /// <summary>The token the options-built clients send.</summary>
    public const string Token = "idt:TKN-1234-5678:s3cr3t-value";

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int RequestCount(string path) => Server.LogEntries.Count(e => e.RequestMessage!.Path == path);

    /// <summary>Serves <paramref name="json"/> with status <paramref name="status"/> for every GET of <paramref name="path"/>.</summary>
    public void Serve(string path, string json, int status = 200, string contentType = "application/json")
    {
        Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(json));
    }

    public void Dispose()
    {
        _http.Dispose();
        Server.Dispose();
    }
}
