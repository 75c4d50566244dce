using System;
using System.Threading;
using Marketplace.Client.Http;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for collections: the generic machinery that the generated list methods
// (RQL overloads and ListAll…Async, one set per list operation, from Marketplace.Client.Generators) are built on.
public partial class MarketplaceClient
{
    private int _pageSize = MarketplaceClientOptions.MaxPageSize;
    private int _prefetchPages = MarketplaceClientOptions.DefaultPrefetchPages;
    private long _maxItemsWithoutTotal = MarketplaceClientOptions.DefaultMaxItemsWithoutTotal;

    // The collection `request` (its path and query, without paging) lists; each page is that request with its limit and
    // offset, sent by SendAsync itself (paging, prefetch and the contract checks are MarketplacePageable's).
    private MarketplacePageable<TItem> Pageable<TResponse, TItem>(
        MarketplaceRequest request, Func<TItem, string?> identity, string name, CancellationToken cancellationToken)
        where TResponse : class, IListResponse<TItem> =>
        new(SendAsync<TResponse, IListResponse<TItem>>, request, identity, _pageSize, _prefetchPages, _maxItemsWithoutTotal, name, cancellationToken);
}

/// <summary>
/// Everything <see cref="MarketplaceClient"/> does, as an interface to mock or decorate: one method per operation and,
/// for every collection, an RQL overload and a <c>ListAll…Async</c> enumeration (all generated from the spec).
/// </summary>
public partial interface IMarketplaceClient
{
}
