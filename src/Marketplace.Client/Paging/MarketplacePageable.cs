using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client;

/// <summary>
/// A whole collection, fetched lazily page by page (<c>limit</c>/<c>offset</c>) as it is enumerated:
/// <c>await foreach (var item in pageable)</c>. Nothing is requested until enumeration starts, and breaking
/// out of the loop requests nothing more. <see cref="AsPages"/> gives the pages with their <c>$meta</c>;
/// <see cref="GetTotalCountAsync"/> counts without fetching items.
/// </summary>
/// <remarks>
/// Enumeration ends at <c>offset &gt;= total</c>, or, when the server sends no total, at the first page shorter
/// than the limit; an empty page always ends it. A server that breaks the paging contract (repeats a page,
/// ignores the offset, sends more items than its total) ends the enumeration with a
/// <see cref="MarketplaceApiException"/> instead of looping forever.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class MarketplacePageable<T> : IAsyncEnumerable<T>
{
    internal delegate Task<IListResponse<T>> PageFetcher(int limit, int offset, CancellationToken cancellationToken);

    private readonly PageFetcher _fetch;
    private readonly Func<T, string?> _identity;
    private readonly int _pageSize;
    private readonly CancellationToken _cancellationToken;

    internal MarketplacePageable(PageFetcher fetch, Func<T, string?> identity, int pageSize, CancellationToken cancellationToken)
    {
        _fetch = fetch;
        _identity = identity;
        _pageSize = pageSize;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Enumerates the items of every page, in server order.</summary>
    /// <param name="cancellationToken">Stops the enumeration (with the token given to the list method, whichever fires first).</param>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages(cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                // A cancelled enumeration stops at the next item, not at the end of the page.
                _cancellationToken.ThrowIfCancellationRequested();
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }
        }
    }

    /// <summary>Enumerates the pages, each with its offset, limit, total and omitted fields.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    public async IAsyncEnumerable<MarketplacePage<T>> AsPages([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var token = linked.Token;
        var offset = 0;
        string? previousFirst = null;
        while (true)
        {
            var response = await _fetch(_pageSize, offset, token).ConfigureAwait(false);
            var page = ToPage(response, offset);

            if (page.Items.Count > 0)
            {
                var first = _identity(page.Items[0]);
                if (first is not null && first == previousFirst)
                    throw Violation($"the page at offset {offset} starts with the same item ({first}) as the page before it; the server seems to ignore the offset.");
                previousFirst = first;
            }
            if (page.Total is { } promised && offset + page.Items.Count > promised)
                throw Violation($"the page at offset {offset} holds {page.Items.Count} items, more than the total of {promised} allows.");

            yield return page;

            if (page.Items.Count == 0) yield break;
            offset += page.Items.Count;
            if (page.Total is { } total ? offset >= total : page.Items.Count < page.Limit) yield break;
        }
    }

    /// <summary>
    /// How many items the collection holds, asked with <c>limit=0</c> (no items are transferred).
    /// <see langword="null"/> when the server does not report a total for this collection.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<int?> GetTotalCountAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var response = await _fetch(0, 0, linked.Token).ConfigureAwait(false);
        return response.Metadata?.Pagination?.Total;
    }

    private MarketplacePage<T> ToPage(IListResponse<T> response, int requestedOffset)
    {
        var pagination = response.Metadata?.Pagination;
        if (pagination?.Offset is { } echoed && echoed != requestedOffset)
            throw Violation($"asked for offset {requestedOffset}, the server answered with offset {echoed}.");
        var limit = pagination?.Limit is int served && served > 0 ? served : _pageSize;
        return new MarketplacePage<T>(
            response.Data ?? Array.Empty<T>(),
            requestedOffset,
            Math.Min(limit, _pageSize),
            pagination?.Total,
            response.Metadata?.Omitted ?? Array.Empty<string>());
    }

    private static MarketplaceApiException Violation(string what) =>
        MarketplaceApiException.PagingViolation($"The server broke the paging contract: {what} Enumeration stopped instead of looping.");
}
