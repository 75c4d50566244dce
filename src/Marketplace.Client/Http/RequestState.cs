using System.Net.Http;
using Marketplace.Client.Diagnostics;

namespace Marketplace.Client.Http;

/// <summary>
/// What the handlers learn about a request beyond its method and URI, carried on the request itself: the
/// <see cref="MarketplaceRequest"/> it was made from (its operation, for spans and metrics; whether it is a stream) and
/// how many times it has been sent (OpenTelemetry's <c>http.request.resend_count</c>, across retries, redirects and the
/// resend after a refreshed token).
/// </summary>
internal static class RequestState
{
#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<MarketplaceRequest> RequestKey = new("Marketplace.Client.Request");
    private static readonly HttpRequestOptionsKey<int> SendsKey = new("Marketplace.Client.Sends");

    public static void Set(HttpRequestMessage message, MarketplaceRequest request) => message.Options.Set(RequestKey, request);

    /// <summary>The request <paramref name="message"/> was made from; <see langword="null"/> for one the client did not make.</summary>
    public static MarketplaceRequest? Of(HttpRequestMessage message) => message.Options.TryGetValue(RequestKey, out var request) ? request : null;

    /// <summary>Counts one more send of <paramref name="message"/>; returns how many times it was sent before.</summary>
    public static int CountSend(HttpRequestMessage message)
    {
        var before = message.Options.TryGetValue(SendsKey, out var sends) ? sends : 0;
        message.Options.Set(SendsKey, before + 1);
        return before;
    }

    /// <summary>How many times <paramref name="message"/> has been sent, this send included (0 before the first).</summary>
    public static int Sends(HttpRequestMessage message) => message.Options.TryGetValue(SendsKey, out var sends) ? sends : 0;
#else
    private const string RequestKey = "Marketplace.Client.Request";
    private const string SendsKey = "Marketplace.Client.Sends";

    public static void Set(HttpRequestMessage message, MarketplaceRequest request) => message.Properties[RequestKey] = request;

    /// <summary>The request <paramref name="message"/> was made from; <see langword="null"/> for one the client did not make.</summary>
    public static MarketplaceRequest? Of(HttpRequestMessage message) => message.Properties.TryGetValue(RequestKey, out var request) ? request as MarketplaceRequest : null;

    /// <summary>Counts one more send of <paramref name="message"/>; returns how many times it was sent before.</summary>
    public static int CountSend(HttpRequestMessage message)
    {
        var before = message.Properties.TryGetValue(SendsKey, out var sends) && sends is int count ? count : 0;
        message.Properties[SendsKey] = before + 1;
        return before;
    }

    /// <summary>How many times <paramref name="message"/> has been sent, this send included (0 before the first).</summary>
    public static int Sends(HttpRequestMessage message) => message.Properties.TryGetValue(SendsKey, out var sends) && sends is int count ? count : 0;
#endif

    public static OperationInfo? Operation(HttpRequestMessage message) => Of(message)?.Operation;

    /// <summary>A stream or a download: a success is handed over at its headers, unbuffered and uncapped.</summary>
    public static bool IsReadAsItArrives(HttpRequestMessage message) => Of(message)?.IsReadAsItArrives == true;

    /// <summary>A file download (<see cref="MarketplaceRequest.Download"/>).</summary>
    public static bool IsDownload(HttpRequestMessage message) => Of(message)?.Download is not null;
}
