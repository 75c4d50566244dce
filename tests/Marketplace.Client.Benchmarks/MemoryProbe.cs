using System;
using System.Linq;
using System.Threading.Tasks;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// Live memory while enumerating ListAllExtensionInstancesAsync over 10,000 and 100,000 items: the most bytes still
/// reachable after a full GC, sampled after every page, above what was live before the enumeration; the median of
/// three runs per size, since a peak depends on how many prefetched pages happen to be waiting when it is sampled.
/// Bounded memory means the two are about equal (target: 100,000 ÷ 10,000 ≤ 1.2). Pages are generated per
/// request, so the server's memory does not grow with the collection either.
/// </summary>
public static class MemoryProbe
{
    public static async Task<int> RunAsync()
    {
        foreach (var (mode, probe) in new (string, Func<int, Task<long>>)[] { ("paging", PeakLiveBytesAsync), ("streaming", StreamPeakLiveBytesAsync) })
        {
            var small = await MedianPeakAsync(mode, probe, 10_000);
            var large = await MedianPeakAsync(mode, probe, 100_000);
            Console.WriteLine($"| {mode} | items | peak live bytes above baseline |");
            Console.WriteLine($"|---|---|---|");
            Console.WriteLine($"| {mode} | 10,000 | {small:N0} |");
            Console.WriteLine($"| {mode} | 100,000 | {large:N0} |");
            Console.WriteLine($"{mode}: ratio 100,000 / 10,000 = {(double)large / small:0.00} (target <= 1.2)");
        }
        return 0;
    }

    private static async Task<long> MedianPeakAsync(string mode, Func<int, Task<long>> probe, int total)
    {
        var peaks = new long[3];
        for (var run = 0; run < peaks.Length; run++) peaks[run] = await probe(total);
        Console.Write(mode + ": ");
        Array.Sort(peaks);
        Console.WriteLine($"{total:N0} items: peaks {string.Join(", ", peaks.Select(p => p.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} bytes");
        return peaks[1];
    }

    private static async Task<long> PeakLiveBytesAsync(int total)
    {
        await using var server = await PageServer.StartAsync((offset, limit) => Pages.Instances(offset, Math.Min(limit, total - offset), total), TimeSpan.Zero);
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = "idt:TKN-1234-5678:probe" });

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var pages = 0;
        var items = 0;
        await foreach (var page in client.ListAllExtensionInstancesAsync(PageServer.ExtensionId).AsPages())
        {
            items += page.Items.Count;
            pages++;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        if (items != total) throw new InvalidOperationException($"Listed {items} items, not {total}.");
        return peak;
    }

    // The same, streamed: sampled every 100 records (a page's worth), while the one response is still being read.
    private static async Task<long> StreamPeakLiveBytesAsync(int total)
    {
        await using var server = await PageServer.StartAsync((offset, limit) => Pages.Instances(offset, Math.Min(limit, total - offset), total), TimeSpan.Zero, streamTotal: total);
        using var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = server.BaseUri, Token = "idt:TKN-1234-5678:probe" });

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var items = 0;
        await foreach (var _ in client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId))
        {
            if (++items % 100 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        if (items != total) throw new InvalidOperationException($"Streamed {items} items, not {total}.");
        return peak;
    }
}
