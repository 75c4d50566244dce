using System;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Query;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for traces and metrics: every generated operation runs through one of these.
// Nobody listening (the usual case in tests and many services): the call goes straight through. Otherwise the call gets
// its operation span and the handlers learn which operation (and path template) the request belongs to.
public partial class MarketplaceClient
{
    private static Task<TResult> CallAsync<TResult>(OperationInfo operation, Func<Task<TResult>> send, CancellationToken cancellationToken) =>
        MarketplaceDiagnostics.IsEnabled ? TracedCallAsync(operation, send, cancellationToken) : send();

    private static Task CallAsync(OperationInfo operation, Func<Task> send, CancellationToken cancellationToken) =>
        MarketplaceDiagnostics.IsEnabled ? TracedCallAsync(operation, async () => { await send().ConfigureAwait(false); return true; }, cancellationToken) : send();

    private static async Task<TResult> TracedCallAsync<TResult>(OperationInfo operation, Func<Task<TResult>> send, CancellationToken cancellationToken)
    {
        using var activity = MarketplaceDiagnostics.StartOperation(operation, null, null);
        MarketplaceRestClient.PendingOperation.Value = operation;
        try
        {
            var result = await send().ConfigureAwait(false);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Ok);
            return result;
        }
        catch (Exception ex)
        {
            MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    // A page of a collection, with its RQL query (or none) and the paging facts for the span.
    private static Task<TResponse> CallListAsync<TResponse, TItem>(
        OperationInfo operation, RqlQuery? query, int? limit, int? offset, Func<Task<TResponse>> send, CancellationToken cancellationToken)
        where TResponse : IListResponse<TItem>
    {
        if (MarketplaceDiagnostics.IsEnabled) return TracedListAsync<TResponse, TItem>(operation, query, limit, offset, send, cancellationToken);
        return query is null ? send() : WithQueryAsync(query, send);
    }

    private static async Task<TResponse> TracedListAsync<TResponse, TItem>(
        OperationInfo operation, RqlQuery? query, int? limit, int? offset, Func<Task<TResponse>> send, CancellationToken cancellationToken)
        where TResponse : IListResponse<TItem>
    {
        using var activity = MarketplaceDiagnostics.StartOperation(operation, limit, offset);
        MarketplaceRestClient.PendingOperation.Value = operation;
        MarketplaceRestClient.PendingQuery.Value = query;
        try
        {
            var response = await send().ConfigureAwait(false);
            MarketplaceDiagnostics.PageReturned(activity, response.Data?.Count, response.Metadata?.Pagination?.Total);
            return response;
        }
        catch (Exception ex)
        {
            MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }
}
