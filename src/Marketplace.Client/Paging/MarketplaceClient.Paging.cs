using System;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for collections: the generic machinery that the generated list methods
// (RQL overloads and ListAll…Async, one set per list operation, from Marketplace.Client.Generators) are built on.
public partial class MarketplaceClient
{
    private int _pageSize = MarketplaceClientOptions.MaxPageSize;
    private int _prefetchPages = MarketplaceClientOptions.DefaultPrefetchPages;
    private long _maxItemsWithoutTotal = MarketplaceClientOptions.DefaultMaxItemsWithoutTotal;

    // Runs one generated call with `query` in its query string (see MarketplaceRestClient.PrepareRequest). Async, so the
    // AsyncLocal is restored when the call ends and never leaks into the caller's next call.
    private static async Task<T> WithQueryAsync<T>(RqlQuery? query, Func<Task<T>> call)
    {
        MarketplaceRestClient.PendingQuery.Value = query;
        return await call().ConfigureAwait(false);
    }

    // One page fetcher per collection; paging, prefetch and the contract checks are MarketplacePageable's.
    private MarketplacePageable<T> Pageable<T>(
        MarketplacePageable<T>.PageFetcher fetch, Func<T, string?> identity, string name, string operation, CancellationToken cancellationToken) =>
        new(fetch, identity, _pageSize, _prefetchPages, _maxItemsWithoutTotal, name, operation, cancellationToken);
}

/// <summary>
/// Everything <see cref="MarketplaceClient"/> does, as an interface to mock or decorate: one method per operation and,
/// for every collection, an RQL overload and a <c>ListAll…Async</c> enumeration (all generated from the spec).
/// </summary>
public partial interface IMarketplaceClient
{
}
