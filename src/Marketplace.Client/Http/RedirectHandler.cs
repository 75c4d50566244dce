using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// Follows redirects itself (the primary handler's automatic redirects are off): only to the same origin (scheme, host
/// and port) as the request, at most <see cref="MaxRedirects"/> times, and only for requests without a body. A redirect
/// anywhere else is not followed, because the request carries the token: it surfaces as
/// <see cref="MarketplaceApiException"/> with the redirect's status, naming the host it pointed to.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    internal const int MaxRedirects = 5;

    private bool _disposeInner = true;

    // The inner handler is the caller's transport (MarketplaceClientOptions.Transport), which outlives the pipeline.
    public void LeaveInnerHandlerUndisposed() => _disposeInner = false;

    protected override void Dispose(bool disposing)
    {
        if (_disposeInner) base.Dispose(disposing);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = request;
        for (var hops = 0; ; hops++)
        {
            var response = await base.SendAsync(current, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || current.RequestUri is not { } from)
                return response;

            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            string? refusal =
                !SameOrigin(from, target) ? $"it points to another origin ({target.Scheme}://{target.Authority}) and would carry the token there"
                : current.Content is not null ? "the request has a body"
                : hops >= MaxRedirects ? $"it is redirect number {hops + 1}; at most {MaxRedirects} are followed"
                : null;
            if (refusal is not null)
            {
                var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in response.Headers) headers[header.Key] = header.Value;
                response.Dispose();
                throw MarketplaceApiException.WithAdvice(
                    "The server redirected the request.", status, null, headers, null,
                    $"The redirect from {from.AbsolutePath} was not followed: {refusal}.");
            }

            response.Dispose();
            var next = new HttpRequestMessage(status == 303 ? HttpMethod.Get : current.Method, target) { Version = current.Version };
            foreach (var header in current.Headers) next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            if (RequestState.Of(current) is { } carried) RequestState.Set(next, carried);
            if (!ReferenceEquals(current, request)) current.Dispose();
            current = next;
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
