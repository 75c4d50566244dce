using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Marketplace.Client.Diagnostics;

/// <summary>
/// Runs a <c>ListAll…Async</c> or <c>StreamAll…Async</c> enumeration under its span, which ends when the enumeration
/// ends and says how: completed, stopped early by the caller, cancelled or failed (<see cref="MarketplaceTelemetry"/>);
/// and counts the items handed out (<c>marketplace.client.items</c>) and contract violations.
/// </summary>
internal static class TracedEnumeration
{
    private const int ReportItemsEvery = 256;

    /// <param name="span">The enumeration's span (already started, so that <paramref name="inner"/> can parent its requests on it), or null.</param>
    /// <param name="inner">The enumeration itself.</param>
    /// <param name="operation">The list operation, e.g. <c>ListExtensionInstances</c>.</param>
    /// <param name="mode"><c>paged</c> or <c>streamed</c>.</param>
    /// <param name="measure">How many items an element holds (a page: its items; a record: 1), and the total it reports, if any.</param>
    /// <param name="token">The enumeration's cancellation token, to tell cancellation from failure.</param>
    public static async IAsyncEnumerable<TOut> RunAsync<TOut>(
        Activity? span,
        IAsyncEnumerable<TOut> inner,
        string operation,
        string mode,
        Func<TOut, (int Items, long? Total)> measure,
        [EnumeratorCancellation] CancellationToken token)
    {
        var enumerator = inner.GetAsyncEnumerator(token);
        var outcome = EnumerationOutcome.Stopped;
        Exception? failure = null;
        long items = 0, elements = 0, unreported = 0;
        long? total = null;
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        outcome = EnumerationOutcome.Completed;
                        break;
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    outcome = EnumerationOutcome.Cancelled;
                    throw;
                }
                catch (Exception ex)
                {
                    outcome = EnumerationOutcome.Failed;
                    failure = ex;
                    // The response was a success, but the collection it describes is not whole: the contract was broken.
                    if (ex is MarketplaceApiException { StatusCode: >= 200 and < 300 }) MarketplaceDiagnostics.ContractViolated(operation, mode);
                    throw;
                }
                var current = enumerator.Current;
                var (count, reported) = measure(current);
                elements++;
                items += count;
                total ??= reported;
                unreported += count;
                if (unreported >= ReportItemsEvery)
                {
                    MarketplaceDiagnostics.ItemsHandedOut(operation, mode, (int)unreported);
                    unreported = 0;
                }
                yield return current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            // Stopped between two elements because the enumeration was cancelled (the per-item check is the caller's).
            if (outcome == EnumerationOutcome.Stopped && token.IsCancellationRequested) outcome = EnumerationOutcome.Cancelled;
            MarketplaceDiagnostics.ItemsHandedOut(operation, mode, (int)unreported);
            MarketplaceDiagnostics.EndEnumeration(span, outcome, items, mode == "paged" ? elements : 0, total, failure, token);
        }
    }
}
