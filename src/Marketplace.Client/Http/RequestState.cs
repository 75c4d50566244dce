using System.Net.Http;
using Marketplace.Client.Diagnostics;

namespace Marketplace.Client.Http;

/// <summary>
/// What the handlers learn about a request beyond its method and URI, carried on the request itself: which operation sent
/// it (for spans and metrics) and how many times it has been sent (OpenTelemetry's <c>http.request.resend_count</c>, across
/// retries and the resend after a refreshed token).
/// </summary>
internal static class RequestState
{
#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<OperationInfo> OperationKey = new("Marketplace.Client.Operation");
    private static readonly HttpRequestOptionsKey<int> SendsKey = new("Marketplace.Client.Sends");

    public static void SetOperation(HttpRequestMessage request, OperationInfo operation) => request.Options.Set(OperationKey, operation);

    public static OperationInfo? Operation(HttpRequestMessage request) => request.Options.TryGetValue(OperationKey, out var operation) ? operation : null;

    /// <summary>Counts one more send of <paramref name="request"/>; returns how many times it was sent before.</summary>
    public static int CountSend(HttpRequestMessage request)
    {
        var before = request.Options.TryGetValue(SendsKey, out var sends) ? sends : 0;
        request.Options.Set(SendsKey, before + 1);
        return before;
    }
#else
    private const string OperationKey = "Marketplace.Client.Operation";
    private const string SendsKey = "Marketplace.Client.Sends";

    public static void SetOperation(HttpRequestMessage request, OperationInfo operation) => request.Properties[OperationKey] = operation;

    public static OperationInfo? Operation(HttpRequestMessage request) => request.Properties.TryGetValue(OperationKey, out var operation) ? operation as OperationInfo : null;

    /// <summary>Counts one more send of <paramref name="request"/>; returns how many times it was sent before.</summary>
    public static int CountSend(HttpRequestMessage request)
    {
        var before = request.Properties.TryGetValue(SendsKey, out var sends) && sends is int count ? count : 0;
        request.Properties[SendsKey] = before + 1;
        return before;
    }
#endif
}
