namespace Marketplace.Client;

/// <summary>
/// The names under which the client reports traces and metrics, to turn them on in an OpenTelemetry host:
/// <c>.WithTracing(t =&gt; t.AddSource(MarketplaceTelemetry.ActivitySourceName))</c> and
/// <c>.WithMetrics(m =&gt; m.AddMeter(MarketplaceTelemetry.MeterName))</c>. Nothing is recorded (and nothing costs
/// anything) until a listener subscribes.
/// </summary>
/// <remarks>
/// <para>Spans (<see cref="System.Diagnostics.ActivitySource"/>): one per operation call (named after the operation,
/// e.g. <c>ListExtensionInstances</c>), one per HTTP attempt beneath it (kind Client, named <c>GET /public/v1/…/{extensionId}/instances</c>,
/// with the OpenTelemetry HTTP client attributes), and one per <c>ListAll…Async</c> or <c>StreamAll…Async</c> enumeration
/// (e.g. <c>ListAllExtensionInstances</c>) that holds its page calls and ends when the enumeration ends: status Ok when it
/// completed, Unset when the caller stopped early, Error when it was cancelled or failed (<c>marketplace.list.outcome</c> says
/// which). Each attempt carries the W3C <c>traceparent</c> header of its span.</para>
/// <para>Metrics (<see cref="System.Diagnostics.Metrics.Meter"/>): <c>http.client.request.duration</c> (seconds, per attempt),
/// <c>marketplace.client.retries</c> (by <c>marketplace.retry.reason</c>), <c>marketplace.client.items</c> (items handed
/// out by enumerations, by <c>marketplace.list.mode</c> paged or streamed) and <c>marketplace.client.contract_violations</c>
/// (a server that broke the paging or streaming contract, by <c>marketplace.violation</c>).</para>
/// <para>No span, tag or metric holds the token, a query string value (<c>url.full</c> keeps the path and masks the query
/// as <c>?*</c>), or anything read from a response body except the problem details' trace id.</para>
/// </remarks>
public static class MarketplaceTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>Marketplace.Client</c>.</summary>
    public const string ActivitySourceName = "Marketplace.Client";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>Marketplace.Client</c>.</summary>
    public const string MeterName = "Marketplace.Client";
}
