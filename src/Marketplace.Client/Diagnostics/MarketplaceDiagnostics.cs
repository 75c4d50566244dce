using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http;
using System.Reflection;
using System.Threading;

namespace Marketplace.Client.Diagnostics;

/// <summary>
/// The client's <see cref="ActivitySource"/> and <see cref="Meter"/> (both <see cref="MarketplaceTelemetry"/> names), and
/// the one place that decides what goes into a span or a metric: names, templates, counts, status codes, exception
/// types. Never the token, a query value or text from a response body (only the problem details' trace id, when it looks
/// like one).
/// </summary>
internal static class MarketplaceDiagnostics
{
    private static readonly string Version =
        (typeof(MarketplaceDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public static readonly ActivitySource Source = new(MarketplaceTelemetry.ActivitySourceName, Version);

    public static readonly Meter Meter = new(MarketplaceTelemetry.MeterName, Version);

    /// <summary>Per attempt, as OpenTelemetry's <c>http.client.request.duration</c> (seconds, its bucket boundaries).</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        "http.client.request.duration",
        unit: "s",
        description: "Duration of HTTP client requests.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 } });

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "marketplace.client.retries", unit: "{retry}", description: "Requests the client sent again, by the reason the previous attempt failed.");

    public static readonly Counter<long> Items = Meter.CreateCounter<long>(
        "marketplace.client.items", unit: "{item}", description: "Items handed out by ListAll and StreamAll enumerations.");

    public static readonly Counter<long> ContractViolations = Meter.CreateCounter<long>(
        "marketplace.client.contract_violations", unit: "{violation}", description: "Enumerations stopped because the server broke the paging or streaming contract.");

    /// <summary>Whether anything listens: when not, the generated calls take their direct path.</summary>
    public static bool IsEnabled => Source.HasListeners() || RequestDuration.Enabled;

    /// <summary>Whether anything listens to what an enumeration reports (its span, items, violations).</summary>
    public static bool IsEnumerationObserved => Source.HasListeners() || Items.Enabled || ContractViolations.Enabled;

    // ---- operation spans ----

    /// <summary>
    /// The span of one call of an operation, a child of the span the request is part of (a <c>ListAll…Async</c>
    /// enumeration's, carried on the request) or else of the caller's current span.
    /// </summary>
    public static Activity? StartOperation(Http.MarketplaceRequest request)
    {
        var operation = request.Operation;
        var activity = request.Parent is { } parent
            ? Source.StartActivity(operation.Name, ActivityKind.Internal, parent.Context)
            : Source.StartActivity(operation.Name, ActivityKind.Internal);
        if (activity is null) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("marketplace.operation", operation.Name);
            activity.SetTag("url.template", operation.Template);
            activity.SetTag("http.request.method", request.Method.Method);
            if (request.Limit is { } l) activity.SetTag("marketplace.page.limit", l);
            if (request.Offset is { } o) activity.SetTag("marketplace.page.offset", o);
        }
        return activity;
    }

    /// <summary>Ends a call's span as answered; a page says how many items it holds and the total it reports.</summary>
    /// <param name="activity">The call's span.</param>
    /// <param name="response">The model read, or <see langword="null"/> for an operation that answers without a body.</param>
    public static void Answered(Activity activity, object? response)
    {
        if (activity.IsAllDataRequested && response is IListResponse page)
        {
            if (page.ItemCount is { } count) activity.SetTag("marketplace.page.item_count", count);
            if (page.Metadata?.Pagination?.Total is { } total) activity.SetTag("marketplace.page.total", total);
        }
        activity.SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>Marks <paramref name="activity"/> failed: <c>error.type</c>, the status code and trace id of an API error.</summary>
    public static void Failed(Activity? activity, Exception exception, CancellationToken cancellationToken = default)
    {
        if (activity is null) return;
        var type = ErrorType(exception, cancellationToken);
        activity.SetTag("error.type", type);
        if (exception is MarketplaceApiException api)
        {
            activity.SetTag("http.response.status_code", api.StatusCode);
            if (SafeTraceId(api.TraceId) is { } traceId) activity.SetTag("marketplace.error.trace_id", traceId);
        }
        // The description is the type, never the message: a message can quote the server (a name, an e-mail).
        activity.SetStatus(ActivityStatusCode.Error, type);
    }

    /// <summary>OpenTelemetry's <c>error.type</c>: the status code of an API error, <c>timeout</c>, <c>cancelled</c>, or the exception type.</summary>
    public static string ErrorType(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        MarketplaceApiException { StatusCode: >= 400 } api => api.StatusCode.ToString(CultureInfo.InvariantCulture),
        MarketplaceApiException => "contract_violation", // a success response that was not what the contract promises
        TimeoutException => "timeout",
        OperationCanceledException when cancellationToken.IsCancellationRequested => "cancelled",
        OperationCanceledException => "timeout", // HttpClient.Timeout surfaces as a TaskCanceledException
        _ => exception.GetType().FullName ?? exception.GetType().Name,
    };

    // A trace id is letters, digits and a few separators; anything else (a sentence, an address) is not tagged.
    private static string? SafeTraceId(string? traceId)
    {
        if (string.IsNullOrEmpty(traceId) || traceId!.Length > 128) return null;
        foreach (var c in traceId)
        {
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '-' or '_' or '.' or ':' or '|')) return null;
        }
        return traceId;
    }

    // ---- enumerations ----

    public static Activity? StartEnumeration(string name, string operation, string mode)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is null) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("marketplace.operation", operation);
            activity.SetTag("marketplace.list.mode", mode);
        }
        return activity;
    }

    /// <summary>Ends an enumeration's span with how it ended (see <see cref="MarketplaceTelemetry"/>).</summary>
    public static void EndEnumeration(Activity? activity, EnumerationOutcome outcome, long items, long pages, long? total, Exception? exception, CancellationToken cancellationToken)
    {
        if (activity is null) return;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("marketplace.list.item_count", items);
            if (pages > 0) activity.SetTag("marketplace.list.page_count", pages);
            if (total is { } t) activity.SetTag("marketplace.list.total", t);
            activity.SetTag("marketplace.list.outcome", outcome switch
            {
                EnumerationOutcome.Completed => "completed",
                EnumerationOutcome.Stopped => "stopped",
                EnumerationOutcome.Cancelled => "cancelled",
                _ => "failed",
            });
        }
        switch (outcome)
        {
            case EnumerationOutcome.Completed:
                activity.SetStatus(ActivityStatusCode.Ok);
                break;
            case EnumerationOutcome.Cancelled:
                activity.SetTag("error.type", "cancelled");
                activity.SetStatus(ActivityStatusCode.Error, "cancelled");
                break;
            case EnumerationOutcome.Failed when exception is not null:
                Failed(activity, exception, cancellationToken);
                break;
        }
        activity.Dispose();
    }

    public static void ItemsHandedOut(string operation, string mode, int count)
    {
        if (count <= 0 || !Items.Enabled) return;
        Items.Add(count, new KeyValuePair<string, object?>("marketplace.operation", operation), new KeyValuePair<string, object?>("marketplace.list.mode", mode));
    }

    public static void ContractViolated(string operation, string violation)
    {
        if (!ContractViolations.Enabled) return;
        ContractViolations.Add(1, new KeyValuePair<string, object?>("marketplace.operation", operation), new KeyValuePair<string, object?>("marketplace.violation", violation));
    }

    // ---- attempts ----

    /// <summary>The span of one HTTP attempt, a child of the current (operation) span, named as OpenTelemetry names HTTP client spans.</summary>
    public static Activity? StartAttempt(HttpRequestMessage request, OperationInfo? operation, int resendCount)
    {
        var method = request.Method.Method;
        var name = operation is null ? method : method + " " + operation.Template;
        // The span the request belongs to rides on it (the operation's, or a stream's enumeration); else the current one.
        var activity = Http.RequestState.Of(request)?.Parent is { } parent
            ? Source.StartActivity(name, ActivityKind.Client, parent.Context)
            : Source.StartActivity(name, ActivityKind.Client);
        if (activity is null) return null;
        if (activity.IsAllDataRequested)
        {
            var uri = request.RequestUri;
            activity.SetTag("http.request.method", method);
            if (operation is not null) activity.SetTag("url.template", operation.Template);
            if (uri is { IsAbsoluteUri: true })
            {
                activity.SetTag("server.address", uri.Host);
                activity.SetTag("server.port", uri.Port);
                activity.SetTag("url.scheme", uri.Scheme);
                activity.SetTag("url.full", RedactedUrl(uri));
            }
            if (resendCount > 0) activity.SetTag("http.request.resend_count", resendCount);
        }
        return activity;
    }

    /// <summary>
    /// The URL without credentials or query values: <c>https://host/path?*</c>. A <c>user:password@</c> must go
    /// (OpenTelemetry's <c>url.full</c>), and RQL values are the caller's data.
    /// </summary>
    public static string RedactedUrl(Uri uri) =>
        uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) + (string.IsNullOrEmpty(uri.Query) ? "" : "?*");

    public static void AttemptAnswered(Activity? activity, HttpRequestMessage request, OperationInfo? operation, int statusCode, long startedTimestamp)
    {
        var errorType = statusCode >= 400 ? statusCode.ToString(CultureInfo.InvariantCulture) : null;
        if (activity is not null)
        {
            activity.SetTag("http.response.status_code", statusCode);
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, errorType);
            }
        }
        RecordDuration(request, operation, statusCode, errorType, startedTimestamp);
    }

    public static void AttemptFailed(Activity? activity, HttpRequestMessage request, OperationInfo? operation, Exception exception, long startedTimestamp, CancellationToken callerToken)
    {
        var errorType = ErrorType(exception, callerToken);
        if (activity is not null)
        {
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }
        RecordDuration(request, operation, null, errorType, startedTimestamp);
    }

    private static void RecordDuration(HttpRequestMessage request, OperationInfo? operation, int? statusCode, string? errorType, long startedTimestamp)
    {
        if (!RequestDuration.Enabled) return;
        var seconds = (Stopwatch.GetTimestamp() - startedTimestamp) / (double)Stopwatch.Frequency;
        var tags = new TagList
        {
            { "http.request.method", request.Method.Method },
        };
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            tags.Add("server.address", uri.Host);
            tags.Add("server.port", uri.Port);
            tags.Add("url.scheme", uri.Scheme);
        }
        if (operation is not null) tags.Add("url.template", operation.Template);
        if (statusCode is { } status) tags.Add("http.response.status_code", status);
        if (errorType is not null) tags.Add("error.type", errorType);
        RequestDuration.Record(seconds, tags);
    }

    public static void Retrying(OperationInfo? operation, string reason)
    {
        if (!Retries.Enabled) return;
        Retries.Add(1, new KeyValuePair<string, object?>("marketplace.operation", operation?.Name), new KeyValuePair<string, object?>("marketplace.retry.reason", reason));
    }

    /// <summary>
    /// Puts the W3C trace context of <paramref name="activity"/> (or of the current span) on <paramref name="request"/>,
    /// replacing what an earlier attempt of the same request set: each attempt is its own span.
    /// </summary>
    public static void Propagate(HttpRequestMessage request, Activity? activity)
    {
        var context = activity ?? Http.RequestState.Of(request)?.Parent ?? Activity.Current;
        if (context is null || context.IdFormat != ActivityIdFormat.W3C || context.Id is null) return;
        request.Headers.Remove("traceparent");
        request.Headers.Remove("tracestate");
        request.Headers.TryAddWithoutValidation("traceparent", context.Id);
        if (!string.IsNullOrEmpty(context.TraceStateString)) request.Headers.TryAddWithoutValidation("tracestate", context.TraceStateString);
    }
}

/// <summary>How an enumeration ended.</summary>
internal enum EnumerationOutcome
{
    Completed,
    Stopped,
    Cancelled,
    Failed,
}
