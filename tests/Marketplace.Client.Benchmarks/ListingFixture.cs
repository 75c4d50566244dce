using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// What the listing benchmarks share: 10,000 instances (100 pages, and the same records as stream lines) on a loopback
/// server, a client with the default paging and a strictly sequential one (<c>PrefetchPages = 1</c>), and the loop that
/// counts what a listing yields. Only the library's public API is used, so <see cref="HeadComparison"/> can build it
/// against another checkout.
/// </summary>
public abstract class ListingFixture
{
    /// <summary>The number of records every listing must yield.</summary>
    protected const int Total = 10_000;

    /// <summary>The records per page.</summary>
    protected const int PageSize = 100;

    /// <summary>The loopback server.</summary>
    protected PageServer Server { get; private set; } = null!;

    /// <summary>A client with the default paging (pages prefetched).</summary>
    protected MarketplaceClient Client { get; private set; } = null!;

    /// <summary>A client that requests one page at a time.</summary>
    protected MarketplaceClient Sequential { get; private set; } = null!;

    /// <summary>The token every client of the benchmarks sends.</summary>
    protected const string Token = "idt:TKN-1234-5678:bench";

    /// <summary>Starts the server, each response delayed by <paramref name="latency"/>, and the two clients.</summary>
    protected async Task StartAsync(TimeSpan latency)
    {
        var pages = Enumerable.Range(0, Total / PageSize).Select(p => Pages.Instances(p * PageSize, PageSize, Total)).ToArray();
        var lines = Enumerable.Range(0, Total / PageSize).Select(c => Pages.InstanceLines(c * PageSize, PageSize)).ToArray();
        Server = await PageServer.StartAsync((offset, _) => pages[offset / PageSize], latency, streamTotal: Total, streamChunk: c => lines[c]);
        Client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = Server.BaseUri, Token = Token });
        Sequential = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = Server.BaseUri, Token = Token, PrefetchPages = 1 });
    }

    /// <summary>Disposes the clients and stops the server.</summary>
    protected async Task StopAsync()
    {
        Client.Dispose();
        Sequential.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Counts what <paramref name="items"/> yields; anything but <see cref="Total"/> records is an error.</summary>
    protected static async Task<int> CountAsync<T>(IAsyncEnumerable<T> items)
    {
        var count = 0;
        await foreach (var _ in items) count++;
        return Check(count);
    }

    /// <summary>Returns <paramref name="count"/> if it is <see cref="Total"/>, else throws.</summary>
    protected static int Check(int count) => count == Total ? count : throw new InvalidOperationException($"Listed {count} items, not {Total}.");
}
