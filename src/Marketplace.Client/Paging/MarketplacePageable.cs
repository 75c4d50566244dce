using System;
using System.Collections.Generic;
using System.Diagnostics;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client;

/// <summary>
/// A whole collection, fetched lazily page by page (<c>limit</c>/<c>offset</c>) as it is enumerated:
/// <c>await foreach (var item in pageable)</c>. Nothing is requested until enumeration starts, and breaking
/// out of the loop cancels the pages requested ahead (see <see cref="AsPages"/>) and starts no new request. <see cref="AsPages"/> gives the pages with their <c>$meta</c>;
/// <see cref="GetTotalCountAsync"/> counts without fetching items.
/// </summary>
/// <remarks>
/// Enumeration ends at <c>offset &gt;= total</c>, or, when the server sends no total, at the first page shorter
/// than the limit; an empty page always ends it. A server that breaks the paging contract (repeats a page, told by
/// its first item's ID or, for items without one, by the page's content; ignores the offset; sends more items than
/// its total) ends the enumeration with a <see cref="MarketplaceApiException"/> instead of looping forever, and so
/// does a collection without a total that passes <see cref="MarketplaceClientOptions.MaxItemsWithoutTotal"/> items.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class MarketplacePageable<T> : IAsyncEnumerable<T>
{
    // Sends one page request (the collection's request with its limit and offset) and reads the page.
    internal delegate Task<IListResponse<T>> PageFetcher(MarketplaceRequest page, CancellationToken cancellationToken);

    private readonly PageFetcher _fetch;
    // The collection's request, without paging; null for a pageable made from given pages.
    private readonly MarketplaceRequest? _request;
    // Set for a pageable made from given pages (FromPages), which requests nothing and checks nothing.
    private readonly IEnumerable<MarketplacePage<T>>? _givenPages;
    private readonly Func<T, string?> _identity;
    private readonly int _pageSize;
    private readonly int _prefetchPages;
    private readonly long _maxItemsWithoutTotal;
    private readonly CancellationToken _cancellationToken;
    private readonly string _name;

    internal MarketplacePageable(
        PageFetcher fetch, MarketplaceRequest? request, Func<T, string?> identity, int pageSize, int prefetchPages, long maxItemsWithoutTotal, string name, CancellationToken cancellationToken)
    {
        _name = name;
        _fetch = fetch;
        _request = request;
        _identity = identity;
        _pageSize = pageSize;
        _prefetchPages = prefetchPages;
        _maxItemsWithoutTotal = maxItemsWithoutTotal;
        _cancellationToken = cancellationToken;
    }

    private MarketplacePageable(IEnumerable<MarketplacePage<T>> pages)
        : this(static (_, _) => throw new InvalidOperationException("A pageable made from pages requests nothing."), null, static _ => null, MarketplaceClientOptions.MaxPageSize, 1, long.MaxValue, "", CancellationToken.None)
    {
        _givenPages = pages;
    }

    /// <summary>
    /// A pageable that hands out <paramref name="pages"/> as they are, for fakes in tests of code that takes a
    /// <see cref="MarketplacePageable{T}"/> (e.g. a mocked <see cref="IMarketplaceClient"/>'s <c>ListAll…Async</c>).
    /// It behaves as one the client returns: items in order, <see cref="AsPages"/>, <see cref="GetTotalCountAsync"/>
    /// (the first page's <see cref="MarketplacePage{T}.Total"/>), and cancellation before each page and each item.
    /// </summary>
    /// <param name="pages">
    /// The pages, e.g. from <see cref="MarketplacePage{T}.FromItems"/>. Enumerated anew by every enumeration and only as
    /// far as it goes, so a sequence that throws part-way (a <see cref="MarketplaceApiException"/> on the third page)
    /// fails the enumeration there, as a failed request would.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="pages"/> is null.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "A test finds the factory on the type it makes, as with Azure's Page<T>.FromValues.")]
    public static MarketplacePageable<T> FromPages(IEnumerable<MarketplacePage<T>> pages) =>
        new(pages ?? throw new ArgumentNullException(nameof(pages)));

    /// <summary>
    /// A pageable over <paramref name="items"/>, cut into pages of <paramref name="pageSize"/> as the server would cut
    /// them, each with the offset and the total (the item count); no items give one empty page with a total of 0. For
    /// fakes in tests; see <see cref="FromPages"/>.
    /// </summary>
    /// <param name="items">The collection's items, in order (read once, when this is called).</param>
    /// <param name="pageSize">Items per page, 1 to 100 (the platform's largest page).</param>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is not between 1 and 100.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "A test finds the factory on the type it makes, as with Azure's Page<T>.FromValues.")]
    public static MarketplacePageable<T> FromItems(IEnumerable<T> items, int pageSize = MarketplaceClientOptions.MaxPageSize)
    {
        if (items is null) throw new ArgumentNullException(nameof(items));
        if (pageSize is < 1 or > MarketplaceClientOptions.MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"A page holds 1 to {MarketplaceClientOptions.MaxPageSize} items.");
        var all = new List<T>(items);
        var pages = new List<MarketplacePage<T>>();
        for (var offset = 0; offset < all.Count || offset == 0; offset += pageSize)
        {
            var count = Math.Min(pageSize, all.Count - offset);
            pages.Add(new MarketplacePage<T>(all.GetRange(offset, count), offset, pageSize, all.Count, Array.Empty<string>()));
        }
        return new MarketplacePageable<T>(pages);
    }

    /// <summary>Enumerates the items of every page, in server order.</summary>
    /// <param name="cancellationToken">Stops the enumeration (with the token given to the list method, whichever fires first).</param>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Straight over the pages, not over AsPages: one iterator less between the caller and each request.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var pages = Pages(linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                // Inline rather than a helper (as in AsPages): a helper would be one more frame on every request's path.
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (CallerCancellation.IsRequested(cancellationToken, _cancellationToken))
                {
                    throw CallerCancellation.For(ex, cancellationToken, _cancellationToken);
                }
                if (!more) break;
                foreach (var item in pages.Current.Items)
                {
                    // A cancelled enumeration stops at the next item, not at the end of the page.
                    if (linked.IsCancellationRequested) throw CallerCancellation.For(new OperationCanceledException(), cancellationToken, _cancellationToken);
                    yield return item;
                }
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Enumerates the pages, each with its offset, limit, total and omitted fields.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <remarks>
    /// Once a full page has told the total, the next pages are requested ahead, at most
    /// <see cref="MarketplaceClientOptions.PrefetchPages"/> of them in flight or waiting to be handed out (besides the
    /// page you are working on), and handed out in server order. Ending the enumeration early cancels the requests still in flight and starts no new ones.
    /// Without a total the pages are fetched one after another.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "An async iterator is enumerated, not awaited: no Async suffix, as Azure's AsPages.")]
    public async IAsyncEnumerable<MarketplacePage<T>> AsPages([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        var pages = Pages(linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (CallerCancellation.IsRequested(cancellationToken, _cancellationToken))
                {
                    throw CallerCancellation.For(ex, cancellationToken, _cancellationToken);
                }
                if (!more) break;
                yield return pages.Current;
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The pages, as given, or fetched: straight from the server when nobody listens, otherwise under one span for the whole
    // enumeration that holds its page calls and ends when the enumeration does, however it ends. Called when enumeration starts.
    private IAsyncEnumerable<MarketplacePage<T>> Pages(CancellationToken token)
    {
        if (_givenPages is not null) return GivenPages(_givenPages, token);
        if (!MarketplaceDiagnostics.IsEnumerationObserved) return PagesCore(null, token);
        var operation = _request!.Operation.Name;
        var span = MarketplaceDiagnostics.StartEnumeration(_name, operation, "paged");
        return TracedEnumeration.RunAsync(span, PagesCore(span, token), operation, "paged", static p => (p.Items.Count, p.Total), token);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "An async iterator is enumerated, not awaited: no Async suffix, as Azure's AsPages.")]
    private static async IAsyncEnumerable<MarketplacePage<T>> GivenPages(IEnumerable<MarketplacePage<T>> pages, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var given in pages)
        {
            token.ThrowIfCancellationRequested();
            yield return given ?? throw new InvalidOperationException($"The pages given to {nameof(MarketplacePageable<T>)}.{nameof(FromPages)} hold a null page.");
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "An async iterator is enumerated, not awaited: no Async suffix, as Azure's AsPages.")]
    private async IAsyncEnumerable<MarketplacePage<T>> PagesCore(Activity? span, [EnumeratorCancellation] CancellationToken token)
    {
        using var prefetching = CancellationTokenSource.CreateLinkedTokenSource(token);
        var ahead = new Queue<(int Offset, Task<IListResponse<T>> Response)>();
        var prefetch = _prefetchPages > 1;
        var offset = 0;
        var scheduledUpTo = 0;
        string? previousFirst = null;
        string? previousContent = null;
        try
        {
            while (true)
            {
                Task<IListResponse<T>> pending;
                if (ahead.Count > 0 && ahead.Peek().Offset == offset)
                {
                    pending = ahead.Dequeue().Response;
                }
                else
                {
                    if (ahead.Count > 0)
                    {
                        // A page shorter than its limit moved the offsets the requests ahead were planned on.
                        prefetch = false;
                        await StopAsync(ahead, prefetching).ConfigureAwait(false);
                    }
                    // A page request, as a child of the enumeration's span: the span rides on the request (an async
                    // iterator does not keep Activity.Current between the items it hands out, and nothing here swaps it).
                    // Called here, not through a helper: each frame between the caller and the socket is one to step through.
                    pending = _fetch(_request!.WithPage(_pageSize, offset).Within(span), token);
                }

                var page = ToPage(await pending.ConfigureAwait(false), offset);
                if (page.Items.Count > 0)
                {
                    var first = _identity(page.Items[0]);
                    if (first is not null && first == previousFirst)
                        throw Violation($"the page at offset {offset} starts with the same item ({first}) as the page before it; the server seems to ignore the offset.");
                    previousFirst = first;
                    // Items without an identity (a select that drops id): the page's own content tells a repeat.
                    if (first is null)
                    {
                        var content = Serialization.MarketplaceJson.Serialize(page.Items);
                        if (content == previousContent)
                            throw Violation($"the page at offset {offset} holds exactly the items of the page before it; the server seems to ignore the offset.");
                        previousContent = content;
                    }
                }
                if (page.Total is null && offset + page.Items.Count > _maxItemsWithoutTotal)
                    throw Violation(
                        $"the collection has no total and passed {_maxItemsWithoutTotal} items ({nameof(MarketplaceClientOptions.MaxItemsWithoutTotal)}); " +
                        "raise the limit if the collection is really that large.");
                if (page.Total is { } promised && offset + page.Items.Count > promised)
                    throw Violation($"the page at offset {offset} holds {page.Items.Count} items, more than the total of {promised} allows.");

                // Ask for the next pages before handing this one out, so they load while the caller works.
                if (prefetch && page.Total is { } known && page.Items.Count > 0 && page.Items.Count == page.Limit)
                {
                    var next = Math.Max(scheduledUpTo, offset + page.Items.Count);
                    while (ahead.Count < _prefetchPages && next < known)
                    {
                        ahead.Enqueue((next, _fetch(_request!.WithPage(_pageSize, next).Within(span), prefetching.Token)));
                        next += page.Items.Count;
                    }
                    scheduledUpTo = next;
                }

                yield return page;

                if (page.Items.Count == 0) yield break;
                offset += page.Items.Count;
                if (page.Total is { } total ? offset >= total : page.Items.Count < page.Limit) yield break;
            }
        }
        finally
        {
            await StopAsync(ahead, prefetching).ConfigureAwait(false);
        }
    }

    // Cancels the requests ahead and waits for them to end, so none outlives the enumeration or fails unobserved.
    private static async Task StopAsync(Queue<(int Offset, Task<IListResponse<T>> Response)> ahead, CancellationTokenSource prefetching)
    {
        if (ahead.Count == 0) return;
        prefetching.Cancel();
        while (ahead.Count > 0)
        {
            try
            {
                await ahead.Dequeue().Response.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Cancelled or failed after the caller stopped listening: nobody needs the page any more.
            }
        }
    }

    /// <summary>
    /// How many items the collection holds, asked with <c>limit=0</c> (no items are transferred).
    /// <see langword="null"/> when the server does not report a total for this collection. For a pageable made with
    /// <see cref="FromPages"/>, the first page's total.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<int?> GetTotalCountAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        if (_givenPages is not null)
        {
            if (linked.IsCancellationRequested) throw CallerCancellation.For(new OperationCanceledException(linked.Token), cancellationToken, _cancellationToken);
            foreach (var first in _givenPages) return first?.Total;
            return null;
        }
        try
        {
            var response = await _fetch(_request!.WithPage(0, 0), linked.Token).ConfigureAwait(false);
            return response.Metadata?.Pagination?.Total;
        }
        catch (OperationCanceledException ex) when (CallerCancellation.IsRequested(cancellationToken, _cancellationToken))
        {
            throw CallerCancellation.For(ex, cancellationToken, _cancellationToken);
        }
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
