using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// Follows redirects itself (the primary handler's automatic redirects are off): at most <see cref="MaxRedirects"/>
/// times, only for requests without a body, and only to the same origin (scheme, host and port) as the request, with one
/// exception: a file download (a GET of an icon, a media file, an attachment, which the platform may answer with a
/// 301/302/307 to where the bytes are) follows a redirect to another host over https, <em>without</em> the
/// <c>Authorization</c> header (nor any header but <c>Accept</c> and <c>User-Agent</c>: an application's own headers
/// stay on the platform too), so the token never leaves the platform. A write answered 303 See Other was carried out
/// (RFC 9110 §15.4.4): its result is fetched with a GET to the same origin, without the body. Any other redirect is not
/// followed: it surfaces as <see cref="MarketplaceApiException"/> with the redirect's status, naming the host it pointed to.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    internal const int MaxRedirects = 5;

    // What a request that has left the platform may still carry: what the file needs, nothing of the caller's.
    private static readonly HashSet<string> CrossOriginHeaders = new(StringComparer.OrdinalIgnoreCase) { "Accept", "Accept-Language", "User-Agent" };

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
            var sameOrigin = SameOrigin(from, target);
            var elsewhere = !sameOrigin && current.Method == HttpMethod.Get && RequestState.IsDownload(request);
            string? refusal =
                target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp ? $"it points to a {target.Scheme}: URI"
                : elsewhere && target.Scheme != Uri.UriSchemeHttps && !(from.Scheme == Uri.UriSchemeHttp && target.IsLoopback) ? $"it points to another origin over plain http ({target.Scheme}://{target.Authority})"
                : !sameOrigin && !elsewhere ? $"it points to another origin ({target.Scheme}://{target.Authority}) and would carry the token there"
                : current.Content is not null && status != 303 ? "the request has a body"
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
            // 303: the GET that fetches the result, without the body (its headers are on the content, which stays behind).
            var next = new HttpRequestMessage(status == 303 ? HttpMethod.Get : current.Method, target) { Version = current.Version };
            foreach (var header in current.Headers)
            {
                // Once the request has left the origin, the token and the caller's headers stay behind (on any further hop too).
                if (!sameOrigin && !CrossOriginHeaders.Contains(header.Key)) continue;
                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
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
