using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Marketplace.Client.Testing;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// A page request to the test server over 10,000 seeded instances (issue 22: evaluating a filter takes under 20 ms per
/// page request): the first 100 items unfiltered (the baseline), against the same page of a filter that reads every
/// record (three fields, a case-insensitive match), of that filter sorted by two keys (an instant and text), and of a
/// count (limit=0) of the filtered items. Each is a whole HTTP request through the server's loopback front and
/// WireMock.Net, as a consumer's test sends it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class TestServerQueryBenchmarks
{
    private const string ExtensionId = "EXT-6822-9898-4256";
    private const string Path = "public/v1/integration/extensions/" + ExtensionId + "/instances";
    private const string Filter = "and(in(status,(%22Running%22,%22Connecting%22)),ge(revision,5),ilike(name,%22*prod*%22))";

    private MarketplaceTestServer _server = null!;
    private HttpClient _http = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = MarketplaceTestServer.Start();
        var start = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
        string[] statuses = { "Running", "Connecting", "Disconnected", "Deleted" };
        _server.AddExtensionInstances(ExtensionId, Enumerable.Range(0, 10_000).Select(i => new Instance
        {
            Id = $"INS-6587-4477-5207-{i:D4}",
            Name = (i % 3) switch { 0 => $"web-prod-{i}", 1 => $"db-PROD-{i}", _ => $"node-test-{i}" },
            Status = new InstanceStatus(statuses[i % statuses.Length]),
            Revision = i % 17,
            ExternalId = $"ext-{i}",
            Audit = new InstanceAudit { Created = new PlatformObjectEvent { At = start.AddMinutes(i * 7 % 10_000).ToOffset(TimeSpan.FromHours(i % 2 * 2)) } },
        }));
        _http = new HttpClient { BaseAddress = _server.BaseUri };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MarketplaceTestServer.Token);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<string> UnfilteredPage() => _http.GetStringAsync(Path + "?limit=100&offset=0");

    [Benchmark]
    public Task<string> FilteredPage() => _http.GetStringAsync(Path + "?" + Filter + "&limit=100&offset=0");

    [Benchmark]
    public Task<string> FilteredSortedPage() => _http.GetStringAsync(Path + "?" + Filter + "&order=-audit.created.at,name&limit=100&offset=0");

    [Benchmark]
    public Task<string> FilteredCount() => _http.GetStringAsync(Path + "?" + Filter + "&limit=0");
}
