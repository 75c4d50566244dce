using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Marketplace.Client.Serialization;
using Newtonsoft.Json;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for sending: every generated operation builds its MarketplaceRequest and comes
// here, one method from request to model. The handlers below it (Http/) do retries, auth, buffering and redirects; this
// adds the operation's span (when anyone listens) and turns the response into the model or a MarketplaceApiException.
public partial class MarketplaceClient
{
    private static readonly Lazy<JsonSerializerSettings> ResponseSettings = new(() =>
    {
        var settings = new JsonSerializerSettings();
        MarketplaceJson.Configure(settings);
        return settings;
    });

    // TResult is what the caller holds the response as: the response type itself, or IListResponse<TItem> for a pageable
    // (which then takes this method as its page fetcher, with no adapter in between).
    internal async Task<TResult> SendAsync<TResponse, TResult>(MarketplaceRequest request, CancellationToken cancellationToken)
        where TResponse : class, TResult
    {
        using var activity = MarketplaceDiagnostics.IsEnabled ? MarketplaceDiagnostics.StartOperation(request) : null;
        try
        {
            using var message = (activity is null ? request : request.Within(activity)).ToHttpRequestMessage();
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var result = await ReadAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
            if (activity is not null) MarketplaceDiagnostics.Answered(activity, result);
            return result;
        }
        catch (Exception ex) when (activity is not null)
        {
            MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    // An operation with a model whose spec also documents 204 No Content (a PUT answered 200 or 204): the 204 is a success
    // without a model (null), not a body that failed to parse after the server carried the write out.
    internal async Task<TResponse?> SendAllowingNoContentAsync<TResponse>(MarketplaceRequest request, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var activity = MarketplaceDiagnostics.IsEnabled ? MarketplaceDiagnostics.StartOperation(request) : null;
        try
        {
            using var message = (activity is null ? request : request.Within(activity)).ToHttpRequestMessage();
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var result = response.StatusCode == System.Net.HttpStatusCode.NoContent ? null : await ReadAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
            if (activity is not null) MarketplaceDiagnostics.Answered(activity, result);
            return result;
        }
        catch (Exception ex) when (activity is not null)
        {
            MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    // An operation that answers without a body (204, 202, an action): success is any 2xx, whatever body comes with it
    // (left unread: disposing the response releases the connection); anything else is the MarketplaceApiException.
    internal async Task SendAsync(MarketplaceRequest request, CancellationToken cancellationToken)
    {
        using var activity = MarketplaceDiagnostics.IsEnabled ? MarketplaceDiagnostics.StartOperation(request) : null;
        try
        {
            using var message = (activity is null ? request : request.Within(activity)).ToHttpRequestMessage();
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, HeadersOf(response), cancellationToken).ConfigureAwait(false);
            if (activity is not null) MarketplaceDiagnostics.Answered(activity, null);
        }
        catch (Exception ex) when (activity is not null)
        {
            MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    // A file: handed over at its headers (BufferingHandler does not read it, so MaxResponseBytes does not apply), its body
    // read by the caller through MarketplaceDownload, which owns the response from here on.
    internal async Task<MarketplaceDownload> DownloadAsync(MarketplaceRequest request, CancellationToken cancellationToken)
    {
        using var activity = MarketplaceDiagnostics.IsEnabled ? MarketplaceDiagnostics.StartOperation(request) : null;
        HttpResponseMessage? response = null;
        try
        {
            using var message = (activity is null ? request : request.Within(activity)).ToHttpRequestMessage();
            response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, HeadersOf(response), cancellationToken).ConfigureAwait(false);
#if NET5_0_OR_GREATER
            var body = response.Content is null ? Stream.Null : await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            var body = response.Content is null ? Stream.Null : await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            var download = new MarketplaceDownload(response, BodyReadStream.Wrap(body, _readTimeout, _time, BodyReadStream.EncodingOf(response)), request.Method.Method + " /" + request.Path);
            if (activity is not null) MarketplaceDiagnostics.Answered(activity, null);
            return download;
        }
        catch (Exception ex)
        {
            response?.Dispose();
            if (activity is not null) MarketplaceDiagnostics.Failed(activity, ex, cancellationToken);
            throw;
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, Dictionary<string, IEnumerable<string>> headers, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 299) return;
        var body = response.Content is null ? null : await ReadStringAsync(response.Content, cancellationToken).ConfigureAwait(false);
        throw new MarketplaceApiException("The HTTP status code of the response was not expected (" + status + ").", status, body, headers, null);
    }

    /// <summary>Reads a response as <typeparamref name="T"/>, or throws what the status or the body says went wrong.</summary>
    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var status = (int)response.StatusCode;
        var headers = HeadersOf(response);
        await ThrowIfFailedAsync(response, headers, cancellationToken).ConfigureAwait(false);

        T? model;
        try
        {
            if (response.Content is null) model = null;
            else
            {
#if NET5_0_OR_GREATER
                using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
                using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
                // The body is in memory (BufferingHandler), so it can be read again with doubles where exact numbers fail.
                model = MarketplaceJsonReader.Deserialize<T>(JsonSerializer.Create(ResponseSettings.Value), stream);
            }
        }
        catch (JsonException ex)
        {
            throw new MarketplaceApiException("Could not deserialize the response body stream as " + typeof(T).FullName + ".", status, string.Empty, headers, ex);
        }
        return model ?? throw new MarketplaceApiException("Response was null which was not expected.", status, string.Empty, headers, null);
    }

    private static Task<string> ReadStringAsync(HttpContent content, CancellationToken cancellationToken) =>
#if NET5_0_OR_GREATER
        content.ReadAsStringAsync(cancellationToken);
#else
        content.ReadAsStringAsync();
#endif

    internal static Dictionary<string, IEnumerable<string>> HeadersOf(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers) headers[header.Key] = header.Value;
        if (response.Content is not null)
        {
            foreach (var header in response.Content.Headers) headers[header.Key] = header.Value;
        }
        return headers;
    }
}
