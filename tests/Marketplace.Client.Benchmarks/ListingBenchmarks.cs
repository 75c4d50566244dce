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
public class ListingBenchmarks : ListingFixture
{
    private HttpClient _http = null!;
    private readonly JsonSerializer _newtonsoft = JsonSerializer.CreateDefault();

    [Params(0, 20)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await StartAsync(TimeSpan.FromMilliseconds(LatencyMs));
        _http = new HttpClient { BaseAddress = Server.BaseUri };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _http.Dispose();
        await StopAsync();
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
    public Task<int> Client_ListAll() => CountAsync(Client.ListAllExtensionInstancesAsync(PageServer.ExtensionId));

    /// <summary>
    /// The default listing with a tracing and metrics listener attached, as an OpenTelemetry host would have it (every
    /// span sampled and recorded, every instrument measured): the cost of observability against Client_ListAll.
    /// </summary>
    [Benchmark]
    public Task<int> Client_ListAll_Traced() => TracedAsync(Client);

    /// <summary>
    /// The strictly sequential listing with the same listeners, against Client_ListAll_Sequential: one request at a time
    /// leaves the two cores less to contend for, so the cost of observability stands out of the noise.
    /// </summary>
    [Benchmark]
    public Task<int> Client_ListAll_Sequential_Traced() => TracedAsync(Sequential);

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

        var count = await CountAsync(client.ListAllExtensionInstancesAsync(PageServer.ExtensionId));
        // An enumeration span, and a page span and an attempt span per page.
        if (spans < 1 + 2 * (Total / PageSize)) throw new InvalidOperationException($"Only {spans} spans were recorded.");
        return count;
    }

    [Benchmark]
    public Task<int> Client_ListAll_Sequential() => CountAsync(Sequential.ListAllExtensionInstancesAsync(PageServer.ExtensionId));

    [Benchmark]
    public Task<int> Client_StreamAll() => CountAsync(Client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId));
}
