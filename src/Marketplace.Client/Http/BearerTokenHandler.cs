using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Authentication;

namespace Marketplace.Client.Http;

/// <summary>
/// Adds <c>Authorization: Bearer</c> and <c>User-Agent: Marketplace.Client/&lt;version&gt;</c> to every request, and
/// takes the token back out of what the server answers: a server or proxy that echoes it (a 401 whose detail repeats
/// it, a <c>WWW-Authenticate</c> header) must not put it into an exception, its headers or a log line. The pattern
/// based redaction in <see cref="Secrets"/> knows the platform's token shapes; this handler knows the exact token,
/// whatever its shape. With an <see cref="IMarketplaceTokenProvider"/>, the token comes from its cache, and a 401 replaces it
/// and sends the request once more.
/// </summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    internal static readonly ProductInfoHeaderValue UserAgent = new(
        "Marketplace.Client",
        (typeof(BearerTokenHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0]);

    private const string Mask = "***";

    private readonly Func<string?> _token;
    private readonly Func<IMarketplaceTokenProvider?> _provider;
    private readonly TimeProvider _time;
    private TokenState? _current;

    // Both sources are asked before each request: a token or provider reloaded from configuration is used at once.
    // A provider, when there is one, wins over the fixed token. A provided token's expiry is read on time.
    public BearerTokenHandler(Func<string?> token, Func<IMarketplaceTokenProvider?>? provider = null, TimeProvider? time = null)
    {
        _token = token;
        _provider = provider ?? (static () => null);
        _time = time ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var provider = _provider();
        var cache = provider is null ? null : TokenCache.For(provider);
        var state = State(cache is null ? _token() : await cache.GetAsync(_time, cancellationToken).ConfigureAwait(false));
        request.Headers.Authorization = state.Header;
        if (request.Headers.UserAgent.Count == 0) request.Headers.UserAgent.Add(UserAgent);
        var redact = state.Forms;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // A provided token the server rejects is replaced (once, shared with every request that saw it rejected) and
            // the request is sent again with the new one. A fixed token would only be rejected again.
            if (cache is not null && response.StatusCode == HttpStatusCode.Unauthorized && CanSendAgain(request))
            {
                var fresh = State(await cache.ReplaceAsync(state.Token, _time, cancellationToken).ConfigureAwait(false));
                if (!ReferenceEquals(fresh, state) && !string.Equals(fresh.Token, state.Token, StringComparison.Ordinal))
                {
                    response.Dispose();
                    request.Headers.Authorization = fresh.Header;
                    redact = fresh.Forms.Concat(state.Forms).ToArray();
                    response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
            }

            try
            {
                RedactHeaders(response.Headers, redact);
                if (response.Content is not null)
                {
                    RedactHeaders(response.Content.Headers, redact);
                    // Only an error's body becomes text the client shows (problem details, an excerpt); a success is parsed.
                    // The body is already in memory (BufferingHandler loads it within its attempt).
                    if (!response.IsSuccessStatusCode) await RedactBodyAsync(response, redact).ConfigureAwait(false);
                }
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (MarketplaceApiException error) when (error.Redacted(text => Redact(text, MaskForms(redact)) ?? text) is { } redacted)
        {
            // The one place every exception from below passes (a refused redirect, whatever a handler of yours throws):
            // the client's own token is masked here, whatever shape it has, so no handler has to remember to.
            throw redacted;
        }
    }

    // The forms of the tokens this request carried, and of the newest one, should it have changed meanwhile.
    private string[] MaskForms(string[] sent)
    {
        var latest = Volatile.Read(ref _current);
        return latest is null ? sent : sent.Concat(latest.Forms).ToArray();
    }

    // The header and redaction forms of a token, built once per token (checked then: present, header-safe).
    private TokenState State(string? token)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && string.Equals(current.Token, token, StringComparison.Ordinal)) return current;
        MarketplaceHttp.ValidateToken(token);
        current = new TokenState(token!);
        Volatile.Write(ref _current, current);
        return current;
    }

    // A request without a body, with one held in memory, or with files that can seek back, can be sent again as it is.
    private static bool CanSendAgain(HttpRequestMessage request) => RequestBody.CanResend(request.Content);

    private static string? Redact(string text, string[] forms)
    {
        var result = text;
        foreach (var form in forms) result = result.Replace(form, Mask);
        return ReferenceEquals(result, text) || result == text ? null : result;
    }

    private static void RedactHeaders(HttpHeaders headers, string[] forms)
    {
        List<(string Name, string[] Values)>? changed = null;
        foreach (var header in headers)
        {
            var values = header.Value.ToArray();
            var redacted = values.Select(v => Redact(v, forms) ?? v).ToArray();
            if (!values.SequenceEqual(redacted, StringComparer.Ordinal)) (changed ??= new()).Add((header.Key, redacted));
        }
        if (changed is null) return;
        foreach (var (name, values) in changed)
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, values);
        }
    }

    private static async Task RedactBodyAsync(HttpResponseMessage response, string[] forms)
    {
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (Redact(body, forms) is not { } redacted) return;
        var original = response.Content;
        var replacement = new StringContent(redacted);
        replacement.Headers.Clear();
        foreach (var header in original.Headers.Where(h => !string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)))
            replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = replacement;
        original.Dispose();
    }

    // One token's header and the forms it is redacted in; replaced whole, so concurrent requests never see a mix.
    private sealed class TokenState
    {
        public TokenState(string token)
        {
            Token = token;
            Header = new AuthenticationHeaderValue("Bearer", token);
            // The token as sent, and as it reads when a server echoes it URL-encoded.
            Forms = new[] { token, Uri.EscapeDataString(token) }.Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ToArray();
        }

        public string Token { get; }

        public AuthenticationHeaderValue Header { get; }

        public string[] Forms { get; }
    }
}
