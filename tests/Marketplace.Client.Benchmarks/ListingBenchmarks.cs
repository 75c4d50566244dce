using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Newtonsoft.Json;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// Listing 10,000 instances (100 pages) from a loopback Kestrel server, with no latency and with 20 ms per page:
/// ListAllExtensionInstancesAsync (default prefetch, and strictly sequential) against the hand-written
/// <c>offset += 100</c> loop over HttpClient and Newtonsoft (the baseline), and StreamAllExtensionInstancesAsync
/// (one streamed request, same latency once) to compare with the default paging of the same run; and the default paging
/// with a tracing and metrics listener attached, for the cost of observability.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class ListingBenchmarks
{
    private const int Total = 10_000;
    private const int PageSize = 100;

    private PageServer _server = null!;
    private HttpClient _http = null!;
    private MarketplaceClient _client = null!;
    private MarketplaceClient _sequential = null!;
    private readonly JsonSerializer _newtonsoft = JsonSerializer.CreateDefault();

    [Params(0, 20)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var pages = Enumerable.Range(0, Total / PageSize).Select(p => Pages.Instances(p * PageSize, PageSize, Total)).ToArray();
        var lines = Enumerable.Range(0, Total / PageSize).Select(c => Pages.InstanceLines(c * PageSize, PageSize)).ToArray();
        _server = await PageServer.StartAsync((offset, _) => pages[offset / PageSize], TimeSpan.FromMilliseconds(LatencyMs), streamTotal: Total, streamChunk: c => lines[c]);
        _http = new HttpClient { BaseAddress = _server.BaseUri };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "idt:TKN-1234-5678:bench");
        _client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = _server.BaseUri, Token = "idt:TKN-1234-5678:bench" });
        _sequential = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = _server.BaseUri, Token = "idt:TKN-1234-5678:bench", PrefetchPages = 1 });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        _sequential.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> HandWrittenLoop()
    {
        var count = 0;
        for (var offset = 0; offset < Total; offset += PageSize)
        {
            using var response = await _http.GetAsync($"public/v1/integration/extensions/{PageServer.ExtensionId}/instances?limit={PageSize}&offset={offset}", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new JsonTextReader(new StreamReader(await response.Content.ReadAsStreamAsync()));
            count += _newtonsoft.Deserialize<InstanceListResponse>(reader)!.Data!.Count;
        }
        return Check(count);
    }

    [Benchmark]
    public async Task<int> Client_ListAll()
    {
        var count = 0;
        await foreach (var _ in _client.ListAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    /// <summary>
    /// The default listing with a tracing and metrics listener attached, as an OpenTelemetry host would have it (every
    /// span sampled and recorded, every instrument measured): the cost of observability against Client_ListAll.
    /// </summary>
    [Benchmark]
    public Task<int> Client_ListAll_Traced() => TracedAsync(_client);

    /// <summary>
    /// The strictly sequential listing with the same listeners, against Client_ListAll_Sequential: one request at a time
    /// leaves the two cores less to contend for, so the cost of observability stands out of the noise.
    /// </summary>
    [Benchmark]
    public Task<int> Client_ListAll_Sequential_Traced() => TracedAsync(_sequential);

    private static async Task<int> TracedAsync(MarketplaceClient client)
    {
        long spans = 0, measurements = 0;
        using var tracing = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == MarketplaceTelemetry.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => System.Threading.Interlocked.Increment(ref spans),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(tracing);
        using var metrics = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MarketplaceTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        metrics.SetMeasurementEventCallback<double>((_, _, _, _) => System.Threading.Interlocked.Increment(ref measurements));
        metrics.SetMeasurementEventCallback<long>((_, _, _, _) => System.Threading.Interlocked.Increment(ref measurements));
        metrics.Start();

        var count = 0;
        await foreach (var _ in client.ListAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        // An enumeration span, and a page span and an attempt span per page.
        if (spans < 1 + 2 * (Total / PageSize)) throw new InvalidOperationException($"Only {spans} spans were recorded.");
        return Check(count);
    }

    [Benchmark]
    public async Task<int> Client_ListAll_Sequential()
    {
        var count = 0;
        await foreach (var _ in _sequential.ListAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    [Benchmark]
    public async Task<int> Client_StreamAll()
    {
        var count = 0;
        await foreach (var _ in _client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    private static int Check(int count) => count == Total ? count : throw new InvalidOperationException($"Listed {count} items, not {Total}.");
}
