using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client;

/// <summary>
/// The one exception the client throws for an API failure: a non-success response, or a response whose
/// body cannot be read as the documented type. It carries what the server said (RFC 7807 problem details:
/// title, detail, type, trace id, errors in either of the platform's two shapes) and a bounded,
/// token-redacted excerpt of the raw body, e.g. a proxy's HTML 502 page.
/// </summary>
/// <remarks>
/// Hand-written instead of generated (nswag.json: generateExceptionClasses false) because NSwag's exception
/// only keeps the raw body. The generated operations call the constructor below; it parses the body once.
/// Network failures and timeouts are not this exception: they surface as <see cref="System.Net.Http.HttpRequestException"/>,
/// <see cref="TimeoutException"/> or <see cref="System.Threading.Tasks.TaskCanceledException"/>, after retries.
/// </remarks>
public class MarketplaceApiException : Exception
{
    /// <summary>How many characters of the body <see cref="ResponseExcerpt"/> keeps at most.</summary>
    public const int MaxExcerptLength = 2048;

    private const int MaxMessageExcerptLength = 200;

    // What the exception was made from, to make it again with the client's own token masked (Redacted).
    private readonly string _message;
    private readonly string? _response;
    private readonly string? _advice;

    /// <summary>Creates the exception from a response; called by the generated operations.</summary>
    /// <param name="message">What the operation found wrong (e.g. an unexpected status, an unreadable body).</param>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="response">The response body as text, or <see langword="null"/> when it was not read.</param>
    /// <param name="headers">The response and content headers.</param>
    /// <param name="innerException">The parse error, when the body could not be read.</param>
    public MarketplaceApiException(
        string message,
        int statusCode,
        string? response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        Exception? innerException)
        : this(message, statusCode, ProblemDetails.Read(response), response, headers, innerException, advice: null)
    {
    }

    private MarketplaceApiException(
        string message,
        int statusCode,
        ProblemDetails problem,
        string? response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        Exception? innerException,
        string? advice)
        : base(ComposeMessage(message, statusCode, problem, response, headers, innerException) + (advice is null ? "" : " " + advice), innerException)
    {
        _message = message;
        _response = response;
        _advice = advice;
        StatusCode = statusCode;
        Headers = headers ?? new Dictionary<string, IEnumerable<string>>();
        Title = problem.Title;
        Detail = problem.Detail;
        Type = problem.Type;
        Instance = problem.Instance;
        TraceId = problem.TraceId;
        Errors = problem.Errors;
        ResponseExcerpt = string.IsNullOrEmpty(response) ? null : Excerpt(response!, MaxExcerptLength);
        RetryAfter = ReadRetryAfter(Headers);
    }

    /// <summary>The HTTP status code of the response.</summary>
    public int StatusCode { get; }

    /// <summary>The problem's short summary (<c>title</c>), or <see langword="null"/> when the body was not problem details.</summary>
    public string? Title { get; }

    /// <summary>The explanation of this occurrence of the problem (<c>detail</c>), or <see langword="null"/>.</summary>
    public string? Detail { get; }

    /// <summary>The problem type URI reference (<c>type</c>), or <see langword="null"/>.</summary>
    public string? Type { get; }

    /// <summary>The URI reference of this occurrence (<c>instance</c>), or <see langword="null"/>.</summary>
    public string? Instance { get; }

    /// <summary>The server's trace id (<c>traceId</c>), the thing to quote to SoftwareOne support, or <see langword="null"/>.</summary>
    public string? TraceId { get; }

    /// <summary>The <c>errors</c> member flattened to (field, message) entries; empty when there were none.</summary>
    public IReadOnlyList<MarketplaceApiError> Errors { get; }

    /// <summary>The start of the raw body (at most <see cref="MaxExcerptLength"/> characters, credentials redacted), or <see langword="null"/>.</summary>
    public string? ResponseExcerpt { get; }

    /// <summary>The response and content headers.</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }

    /// <summary>
    /// How long the server asked to wait before trying again (its <c>Retry-After</c>, seconds or a date, counted from when
    /// the response arrived), or <see langword="null"/> when it did not say. Set on a 429 or 503 whose wait was longer than
    /// the client would wait for you (<see cref="MarketplaceRetryOptions.MaxRetryAfter"/>, or what was left of the timeout).
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The exception the client throws when the server answers <paramref name="statusCode"/> with these problem details,
    /// for fakes in tests of code that handles API failures: its message, properties and <see cref="ResponseExcerpt"/>
    /// read exactly as they would for that response (the details are written as the <c>application/problem+json</c> body
    /// the platform sends, and read back the way the client reads every response).
    /// </summary>
    /// <param name="statusCode">The HTTP status code, e.g. 404, 429 or 503.</param>
    /// <param name="title">The problem's short summary (<c>title</c>).</param>
    /// <param name="detail">The explanation of this occurrence (<c>detail</c>).</param>
    /// <param name="traceId">The server's trace id (<c>traceId</c>).</param>
    /// <param name="errors">Field errors (<c>errors</c>, written in the platform's array shape).</param>
    /// <param name="type">The problem type URI reference (<c>type</c>).</param>
    /// <param name="instance">The URI reference of this occurrence (<c>instance</c>).</param>
    /// <param name="retryAfter">A <c>Retry-After</c> header, in whole seconds (rounded up), for <see cref="RetryAfter"/>.</param>
    /// <returns>The exception, not thrown.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not between 100 and 599, or <paramref name="retryAfter"/> is negative.</exception>
    public static MarketplaceApiException FromProblemDetails(
        int statusCode,
        string? title = null,
        string? detail = null,
        string? traceId = null,
        IEnumerable<MarketplaceApiError>? errors = null,
        string? type = null,
        string? instance = null,
        TimeSpan? retryAfter = null)
    {
        if (statusCode is < 100 or > 599) throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "An HTTP status code is between 100 and 599.");
        if (retryAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "A wait cannot be negative.");

        var body = new JObject();
        if (type is not null) body["type"] = type;
        if (title is not null) body["title"] = title;
        body["status"] = statusCode;
        if (detail is not null) body["detail"] = detail;
        if (instance is not null) body["instance"] = instance;
        if (traceId is not null) body["traceId"] = traceId;
        var entries = errors?.Select(e => e ?? throw new ArgumentException("The errors hold a null entry.", nameof(errors))).ToList();
        if (entries is { Count: > 0 })
        {
            body["errors"] = new JArray(entries.Select(e =>
            {
                var entry = new JObject();
                if (e.Code is not null) entry["id"] = e.Code;
                entry["message"] = e.Message;
                if (e.Field is not null) entry["properties"] = new JArray(e.Field);
                return entry;
            }));
        }

        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = new[] { "application/problem+json" },
        };
        if (retryAfter is { } wait)
            headers["Retry-After"] = new[] { Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture) };
        return new MarketplaceApiException(
            "The HTTP status code of the response was not expected (" + statusCode.ToString(CultureInfo.InvariantCulture) + ").",
            statusCode,
            body.ToString(Formatting.None),
            headers,
            innerException: null);
    }

    /// <summary>
    /// The same exception made from text with <paramref name="redact"/> applied everywhere: message, body, problem details
    /// and headers. <c>BearerTokenHandler</c> passes every exception from below it through this with the client's own
    /// token, so no handler has to remember to mask it; <see langword="null"/> when nothing needed masking.
    /// </summary>
    internal MarketplaceApiException? Redacted(Func<string, string> redact)
    {
        var changed = false;
        string Apply(string text)
        {
            var result = redact(text);
            changed |= !string.Equals(result, text, StringComparison.Ordinal);
            return result;
        }
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in Headers) headers[header.Key] = header.Value.Select(Apply).ToList();
        var message = Apply(_message);
        var response = _response is null ? null : Apply(_response);
        var advice = _advice is null ? null : Apply(_advice);
        return changed ? new MarketplaceApiException(message, StatusCode, ProblemDetails.Read(response), response, headers, InnerException, advice) : null;
    }

    // A page that contradicts the ones before it: the response was readable, but the collection is not.
    internal static MarketplaceApiException PagingViolation(string message) =>
        new(message, 200, response: null, new Dictionary<string, IEnumerable<string>>(), innerException: null);

    // A response the client can say more about than the server did: what to do next (page instead, narrow the filter).
    internal static MarketplaceApiException WithAdvice(
        string message,
        int statusCode,
        string? response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        Exception? innerException,
        string advice) =>
        new(message, statusCode, ProblemDetails.Read(response), response, headers, innerException, advice);

    // The same reading as the retry handler's (Http/RetryAfter), so the wait reported is the wait the client would obey.
    private static TimeSpan? ReadRetryAfter(IReadOnlyDictionary<string, IEnumerable<string>> headers) =>
        Http.RetryAfter.Parse(headers.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault(), DateTimeOffset.UtcNow);

    private static string ComposeMessage(
        string message,
        int statusCode,
        ProblemDetails problem,
        string? response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        Exception? innerException)
    {
        var text = new StringBuilder("Marketplace API: HTTP ").Append(statusCode.ToString(CultureInfo.InvariantCulture));
        if (Enum.IsDefined(typeof(HttpStatusCode), statusCode)) text.Append(" (").Append((HttpStatusCode)statusCode).Append(')');
        text.Append(". ");

        if (problem.IsProblem)
        {
            if (problem.Title is not null) AppendSentence(text, problem.Title);
            if (problem.Detail is not null) AppendSentence(text, problem.Detail);
            foreach (var error in problem.Errors.Take(3)) AppendSentence(text, error.ToString());
            if (problem.Errors.Count > 3) text.Append('(').Append(problem.Errors.Count - 3).Append(" more errors) ");
        }
        else
        {
            // For an error status the status says it all; for a 2xx, say what was wrong with the body.
            if (statusCode is >= 200 and < 300) text.Append(message).Append(' ');
            if (innerException is not null) text.Append(innerException.Message).Append(' ');
            if (!string.IsNullOrWhiteSpace(response))
            {
                var contentType = headers is not null && headers.TryGetValue("Content-Type", out var values) ? values.FirstOrDefault() : null;
                text.Append("Body").Append(contentType is null ? "" : " (" + contentType + ")").Append(": ")
                    .Append(Excerpt(response!, MaxMessageExcerptLength).Replace('\r', ' ').Replace('\n', ' ')).Append(' ');
            }
        }

        if (headers is not null && ReadRetryAfter(headers) is { } retryAfter)
            text.Append("The server asks to wait ").Append(Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append(" s before retrying (RetryAfter). ");
        if (problem.TraceId is not null) text.Append("Trace id: ").Append(problem.TraceId).Append('.');
        return text.ToString().TrimEnd();
    }

    private static void AppendSentence(StringBuilder text, string sentence)
    {
        var redacted = Secrets.Redact(sentence.Trim());
        text.Append(redacted);
        if (redacted.Length > 0 && redacted[redacted.Length - 1] is not ('.' or '!' or '?')) text.Append('.');
        text.Append(' ');
    }

    private static string Excerpt(string body, int length) =>
        Secrets.Redact(body.Length <= length ? body : body.Remove(length) + "…");

    /// <summary>RFC 7807 problem details as the platform writes them; everything optional, nothing trusted.</summary>
    private sealed class ProblemDetails
    {
        private static readonly ProblemDetails None = new();

        public bool IsProblem { get; private set; }
        public string? Title { get; private set; }
        public string? Detail { get; private set; }
        public string? Type { get; private set; }
        public string? Instance { get; private set; }
        public string? TraceId { get; private set; }
        public IReadOnlyList<MarketplaceApiError> Errors { get; private set; } = Array.Empty<MarketplaceApiError>();

        public static ProblemDetails Read(string? body)
        {
            if (string.IsNullOrWhiteSpace(body) || body!.TrimStart()[0] != '{') return None;
            JObject json;
            try
            {
                using var reader = new JsonTextReader(new System.IO.StringReader(body)) { DateParseHandling = DateParseHandling.None, MaxDepth = 32 };
                json = JObject.Load(reader);
            }
            catch (JsonException)
            {
                return None;
            }

            var problem = new ProblemDetails
            {
                Title = Text(json["title"]),
                Detail = Text(json["detail"]),
                Type = Text(json["type"]),
                Instance = Text(json["instance"]),
                TraceId = Text(json["traceId"]),
                Errors = ReadErrors(json["errors"]),
            };
            problem.IsProblem = problem.Title is not null || problem.Detail is not null || problem.Errors.Count > 0;
            return problem;
        }

        // Two shapes are in use: {"field": ["message", ...]} and [{"id": ..., "message": ..., "properties": [...]}].
        private static List<MarketplaceApiError> ReadErrors(JToken? errors)
        {
            var result = new List<MarketplaceApiError>();
            switch (errors)
            {
                case JObject byField:
                    foreach (var field in byField.Properties())
                    {
                        if (field.Value is JArray messages)
                            result.AddRange(messages.Select(Text).Where(m => m is not null).Select(m => new MarketplaceApiError(field.Name, m!)));
                        else if (Text(field.Value) is { } single)
                            result.Add(new MarketplaceApiError(field.Name, single));
                    }
                    break;
                case JArray entries:
                    foreach (var entry in entries.OfType<JObject>())
                    {
                        var message = Text(entry["message"]) ?? Text(entry["detail"]) ?? Text(entry["title"]);
                        if (message is null) continue;
                        var code = Text(entry["id"]) ?? Text(entry["code"]);
                        var properties = (entry["properties"] as JArray)?.Select(Text).Where(p => p is not null).ToList();
                        if (properties is { Count: > 0 })
                            result.AddRange(properties.Select(p => new MarketplaceApiError(p, message, code)));
                        else
                            result.Add(new MarketplaceApiError(null, message, code));
                    }
                    break;
            }
            return result;
        }

        private static string? Text(JToken? token) => token is JValue { Value: not null } value ? Convert.ToString(value.Value, CultureInfo.InvariantCulture) : null;
    }
}
