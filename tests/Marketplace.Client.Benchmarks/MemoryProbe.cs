using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// Live memory while enumerating ListAllExtensionInstancesAsync (and StreamAll…) over 10,000 and 100,000 items: the bytes
/// still reachable after a full GC, sampled after every page (every 100 records), above what was live before the
/// enumeration. Per size, the median of three runs of two figures: the peak, and the 95th percentile of the samples.
/// A peak depends on what happens to be in flight at one sample (prefetched pages, the in-process server's buffers),
/// and single peaks were seen from 1 MB to 10 MB at either size; the 95th percentile shows the level memory holds at.
/// Each mode is run once first, uncounted, so that what the process builds once is not taken for the enumeration's.
/// Bounded memory means the two sizes are about equal (target: 100,000 ÷ 10,000 ≤ 1.2). Pages are generated per
/// request, so the server's memory does not grow with the collection either.
/// </summary>
public static class MemoryProbe
{
    public static async Task<int> RunAsync()
    {
        foreach (var (mode, probe) in new (string, Func<int, Task<Samples>>)[] { ("paging", PeakLiveBytesAsync), ("streaming", StreamPeakLiveBytesAsync) })
        {
            // One run first, not counted: what the process builds once (contract caches, the server's pools) is not the
            // enumeration's memory, and it would land on whichever size came first.
            await probe(1_000);
            var small = await MedianAsync(mode, probe, 10_000);
            var large = await MedianAsync(mode, probe, 100_000);
            Console.WriteLine($"| {mode} | items | peak live bytes above baseline | 95th percentile |");
            Console.WriteLine($"|---|---|---|---|");
            Console.WriteLine($"| {mode} | 10,000 | {small.Peak:N0} | {small.P95:N0} |");
            Console.WriteLine($"| {mode} | 100,000 | {large.Peak:N0} | {large.P95:N0} |");
            Console.WriteLine($"{mode}: ratio 100,000 / 10,000 = {(double)large.Peak / small.Peak:0.00} (peaks), {(double)large.P95 / small.P95:0.00} (95th percentiles) (target <= 1.2)");
        }
        return 0;
    }

    private readonly record struct Samples(long Peak, long P95);

    private static Samples Summarize(List<long> samples)
    {
        samples.Sort();
        return new Samples(samples[^1], samples[(int)Math.Ceiling(samples.Count * 0.95) - 1]);
    }

    private static async Task<Samples> MedianAsync(string mode, Func<int, Task<Samples>> probe, int total)
    {
        var runs = new Samples[3];
        for (var run = 0; run < runs.Length; run++) runs[run] = await probe(total);
        var peaks = runs.Select(r => r.Peak).OrderBy(p => p).ToArray();
        var p95s = runs.Select(r => r.P95).OrderBy(p => p).ToArray();
        Console.WriteLine($"{mode}: {total:N0} items: peaks {string.Join(", ", peaks.Select(p => p.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} bytes; " +
                          $"95th percentiles {string.Join(", ", p95s.Select(p => p.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} bytes");
        return new Samples(peaks[1], p95s[1]);
    }

    private static async Task<Samples> PeakLiveBytesAsync(int total)
    {
        await using var server = await PageServer.StartAsync((offset, limit) => Pages.Instances(offset, Math.Min(limit, total - offset), total), TimeSpan.Zero);
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = "idt:TKN-1234-5678:probe" });

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var samples = new List<long>();
        var items = 0;
        await foreach (var page in client.ListAllExtensionInstancesAsync(PageServer.ExtensionId).AsPages())
        {
            items += page.Items.Count;
            samples.Add(GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        if (items != total) throw new InvalidOperationException($"Listed {items} items, not {total}.");
        return Summarize(samples);
    }

    // The same, streamed: sampled every 100 records (a page's worth), while the one response is still being read.
    private static async Task<Samples> StreamPeakLiveBytesAsync(int total)
    {
        await using var server = await PageServer.StartAsync((offset, limit) => Pages.Instances(offset, Math.Min(limit, total - offset), total), TimeSpan.Zero, streamTotal: total);
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = "idt:TKN-1234-5678:probe" });

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var samples = new List<long>();
        var items = 0;
        await foreach (var _ in client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId))
        {
            if (++items % 100 == 0) samples.Add(GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        if (items != total) throw new InvalidOperationException($"Streamed {items} items, not {total}.");
        return Summarize(samples);
    }
}
