using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;

namespace Marketplace.Client.Http;

/// <summary>
/// Makes each attempt an HTTP client span (a child of the operation's span, which rides on the request), puts its W3C
/// trace context on the wire, and records its duration as <c>http.client.request.duration</c>. What goes into the span
/// and the metric is decided in <see cref="MarketplaceDiagnostics"/>; this handler only marks the attempt's start and end.
/// </summary>
internal sealed class TracingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = RequestState.Operation(request);
        using var activity = MarketplaceDiagnostics.StartAttempt(request, operation, Math.Max(0, RequestState.Sends(request) - 1));
        MarketplaceDiagnostics.Propagate(request, activity);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            MarketplaceDiagnostics.AttemptAnswered(activity, request, operation, (int)response.StatusCode, started);
            return response;
        }
        catch (Exception ex)
        {
            MarketplaceDiagnostics.AttemptFailed(activity, request, operation, ex, started, cancellationToken);
            throw;
        }
    }
}
