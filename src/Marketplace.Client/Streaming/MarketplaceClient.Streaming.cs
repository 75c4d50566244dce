using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Marketplace.Client.Query;
using Newtonsoft.Json;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for the platform's streaming mode (API-FACTS, "Streaming"): the generic reader
// that every generated StreamAll…Async uses. One request on the ordinary collection route with MPT-Streaming: true and
// Accept: application/jsonl; one JSON object per line, parsed and handed out as it arrives, so memory does not grow
// with the record count. The platform's contract is enforced, so a stream can never pass as complete when it was not.
public partial class MarketplaceClient
{
    /// <summary>The media type of the platform's streaming mode: one JSON record per line.</summary>
    public const string JsonLinesMediaType = "application/jsonl";

    private const string JsonLines = JsonLinesMediaType;
    private const int ProgressEvery = 100;
    private const int MaxErrorBodyChars = 64 * 1024;

    // `request` is the list operation's, with its query; the stream is that request in streaming mode.
    private IAsyncEnumerable<T> StreamAsync<T>(
        MarketplaceRequest request,
        string name,
        MarketplaceStreamOptions? options,
        Func<T, bool> isDeleted,
        CancellationToken cancellationToken)
    {
        // One span for the stream (started when enumeration starts), holding its request; it ends with the enumeration.
        // Nobody listening: the records go straight out, without the two layers that would observe them.
        // The method's token and the enumeration's (WithCancellation) are linked only when both are given, and a
        // cancellation then still carries the caller's (CallerCancellation).
        if (!MarketplaceDiagnostics.IsEnumerationObserved) return CallerCancellation.Enumerate(StreamCoreAsync(request, options, isDeleted, null, default), cancellationToken);
        return CallerCancellation.Enumerate(Traced(default), cancellationToken);

        async IAsyncEnumerable<T> Traced([EnumeratorCancellation] CancellationToken token)
        {
            var operation = request.Operation.Name;
            var span = MarketplaceDiagnostics.StartEnumeration(name, operation, "streamed");
            await foreach (var record in TracedEnumeration.RunAsync(span, StreamCoreAsync(request, options, isDeleted, span, token), operation, "streamed", static _ => (1, null), token).ConfigureAwait(false))
                yield return record;
        }
    }

    private async IAsyncEnumerable<T> StreamCoreAsync<T>(
        MarketplaceRequest list,
        MarketplaceStreamOptions? options,
        Func<T, bool> isDeleted,
        Activity? span,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var operation = list.Operation.Name;
        options ??= new MarketplaceStreamOptions();
        var readTimeout = options.ReadTimeout ?? _readTimeout;
        BodyReadStream.Check(readTimeout, nameof(options.ReadTimeout));
        // The request's attempts are children of the stream's span, which rides on the request.
        using var request = list.WithPage(options.Limit, options.Offset).AsStream().Within(span).ToHttpRequestMessage();

        // Retries (RetryHandler) happen here, before the first record; after it, a failure surfaces with the count.
        var sending = _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var response = await sending.ConfigureAwait(false);
        var headers = HeadersOf(response);
        if (!response.IsSuccessStatusCode) throw await RefusedAsync(operation, response, headers, cancellationToken).ConfigureAwait(false);

        var declared = CheckStreamHeaders(operation, response, headers);
        span?.SetTag("marketplace.list.total", declared);
        var received = 0L;
#if NET5_0_OR_GREATER
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        // Past the headers no attempt timeout applies: each read has the read timeout, so a stall ends the stream (as a
        // broken connection, with the count) instead of holding the reader forever.
        using var stream = BodyReadStream.Wrap(body, readTimeout, _time, BodyReadStream.EncodingOf(response));
        using var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        var reader = new Streaming.LineReader(text, _maxResponseBytes);

        // Lines are read ahead in batches and parsed on the thread pool, a few batches at a time, then handed out in
        // order: parsing is most of the work, and this way it uses more than one core, as prefetched pages do. A batch
        // is cut as soon as the next line has not arrived yet, so a slow stream's records are not held back.
        var ahead = new Queue<Task<ParsedBatch<T>>>();
        Task<string?>? nextLine = null;
        Exception? broken = null;
        var ended = false;
        var read = 0L;
        try
        {
            while (true)
            {
                while (!ended && broken is null && ahead.Count < BatchesAhead)
                {
                    var lines = new List<string>(BatchSize);
                    var first = read;
                    while (lines.Count < BatchSize)
                    {
                        nextLine ??= ReadLineAsync(reader, response, cancellationToken);
                        if (!nextLine.IsCompleted && (lines.Count > 0 || ahead.Count > 0)) break;
                        string? line;
                        try
                        {
                            line = await nextLine.ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
                        {
                            broken = ex;
                            break;
                        }
                        finally
                        {
                            nextLine = null;
                        }
                        if (line is null)
                        {
                            ended = true;
                            break;
                        }
                        if (IsJsonWhitespace(line)) continue; // a keep-alive
                        lines.Add(line);
                        read++;
                    }
                    if (lines.Count == 0) break;
                    ahead.Enqueue(Task.Run(() => ParseBatch<T>(lines, first)));
                }
                if (ahead.Count == 0) break;

                var parsed = await ahead.Dequeue().ConfigureAwait(false);
                foreach (var item in parsed.Items)
                {
                    received++;
                    if (received > declared)
                        throw Broken(operation, $"the stream sent more records than the {declared} it declared (MPT-Item-Count)", received - 1, declared, headers);
                    if (received % ProgressEvery == 0) options.Progress?.Report(new MarketplaceStreamProgress(declared, received));
                    if (options.SkipDeleted && isDeleted(item)) continue;
                    yield return item;
                }
                if (parsed.Error is { } error) throw Broken(operation, error, received, declared, headers, parsed.Inner);
            }
        }
        finally
        {
            // A read still pending when the consumer stops ends with the response; nobody awaits it any more.
            _ = nextLine?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (broken is not null)
            throw Broken(operation, broken switch
                {
                    UndecodableBodyException => $"the stream could not be read: {broken.Message}",
                    Streaming.OversizedRecordException oversized => $"record {read + 1} of the stream is longer than {oversized.MaxLength} characters (MaxResponseBytes), or never ends; it was not read",
                    _ => $"the connection broke in the middle of the stream ({broken.Message})",
                }, received, declared, headers, broken);
        if (received < declared)
            throw Broken(operation, $"the stream ended cleanly after {received} of the {declared} records it declared (MPT-Item-Count): the export is truncated", received, declared, headers);
        if (received % ProgressEvery != 0 || received == 0) options.Progress?.Report(new MarketplaceStreamProgress(declared, received));
    }

    private const int BatchSize = 64;
    private const int BatchesAhead = 4;

    // Records parsed from consecutive lines, up to the first that is not a record (then Error says why).
    private sealed class ParsedBatch<T>
    {
        public List<T> Items { get; } = new();

        public string? Error { get; set; }

        public Exception? Inner { get; set; }
    }

    // One record: false when the line is not a JSON object; text after the object makes Read throw ("Additional text").
    private static bool ParseRecord<T>(JsonSerializer serializer, string line, bool exact, out T? item)
    {
        using var json = new Serialization.MarketplaceJsonReader(new StringReader(line), exact);
        item = default;
        if (!json.Read() || json.TokenType != JsonToken.StartObject) return false;
        item = serializer.Deserialize<T>(json);
        while (json.Read())
        {
        }
        return true;
    }

    private static ParsedBatch<T> ParseBatch<T>(List<string> lines, long first)
    {
        var serializer = JsonSerializer.Create(StreamSerializerSettings.Value);
        var batch = new ParsedBatch<T>();
        for (var i = 0; i < lines.Count; i++)
        {
            var number = first + i + 1;
            try
            {
                // Exact numbers, or doubles for a record with a number no decimal holds (Serialization.MarketplaceJsonReader).
                bool isObject;
                T? item;
                try
                {
                    isObject = ParseRecord(serializer, lines[i], exact: true, out item);
                }
                catch (JsonReaderException)
                {
                    isObject = ParseRecord(serializer, lines[i], exact: false, out item);
                }
                if (!isObject)
                {
                    batch.Error = $"record {number} of the stream is not a JSON object";
                    return batch;
                }
                if (item is null)
                {
                    batch.Error = $"record {number} of the stream is empty";
                    return batch;
                }
                batch.Items.Add(item);
            }
            catch (JsonException ex)
            {
                batch.Error = $"record {number} of the stream is not readable JSON ({ex.Message})";
                batch.Inner = ex;
                return batch;
            }
        }
        return batch;
    }

    // The response must be a stream in the format asked for, with a count to check completeness against.
    private static long CheckStreamHeaders(string operation, HttpResponseMessage response, IReadOnlyDictionary<string, IEnumerable<string>> headers)
    {
        var echoed = response.Headers.TryGetValues("MPT-Streaming", out var values) ? values.FirstOrDefault() : null;
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(echoed?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw Broken(operation,
                $"the server did not stream: no 'MPT-Streaming: true' in the response, which is {contentType ?? "without a Content-Type"} " +
                $"({response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes), likely the first page of the list. " +
                "Nothing of it is handed out as the whole collection; use ListAll…Async to page instead",
                0, null, headers);
        }
        if (!string.Equals(contentType, JsonLines, StringComparison.OrdinalIgnoreCase))
            throw Broken(operation, $"the stream's Content-Type is '{contentType}', not the {JsonLines} asked for", 0, null, headers);

        var count = response.Headers.TryGetValues("MPT-Item-Count", out var counts) ? counts.FirstOrDefault()?.Trim() : null;
        if (count is null || count.Length == 0 || count.Any(c => c is < '0' or > '9') || !long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
            throw Broken(operation, $"the stream's MPT-Item-Count is {(count is null ? "missing" : "'" + count + "'")}, so its completeness cannot be checked", 0, null, headers);
        return declared;
    }

    private static async Task<string?> ReadLineAsync(Streaming.LineReader reader, HttpResponseMessage response, CancellationToken cancellationToken)
    {
#if NET5_0_OR_GREATER
        _ = response;
        return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
#else
        // No cancellable read here: cancelling disposes the response, which ends the read.
        using (cancellationToken.Register(static r => ((HttpResponseMessage)r!).Dispose(), response))
        {
            try
            {
                return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
#endif
    }

    // The statuses the platform uses to refuse a stream, with what to do instead.
    private static async Task<MarketplaceApiException> RefusedAsync(
        string operation,
        HttpResponseMessage response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        CancellationToken cancellationToken)
    {
        string? body;
        try
        {
#if NET5_0_OR_GREATER
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
#else
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
#endif
            body = text.Length > MaxErrorBodyChars ? text.Remove(MaxErrorBodyChars) : text;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            body = null;
        }
        var status = (int)response.StatusCode;
        var advice = status switch
        {
            501 => $"{operation} cannot stream this collection: list it with ListAll…Async (paging) instead.",
            406 => $"{operation}: the server does not accept {JsonLines} for this collection: list it with ListAll…Async (paging) instead.",
            413 => $"{operation}: the export is over the server's cap: narrow the filter (RQL), stream it in parts with Limit and Offset, or page with ListAll…Async.",
            _ => $"{operation} could not open the stream; nothing was delivered.",
        };
        return MarketplaceApiException.WithAdvice("The stream was refused.", status, body, headers, null, advice);
    }

    private static MarketplaceApiException Broken(
        string operation,
        string what,
        long delivered,
        long? declared,
        IReadOnlyDictionary<string, IEnumerable<string>> headers,
        Exception? inner = null) =>
        MarketplaceApiException.WithAdvice(
            $"{operation} (streaming): {what}.",
            200,
            null,
            headers,
            inner,
            $"{delivered} records were delivered{(declared is { } d ? $" of {d} declared" : "")}; do not treat them as the whole collection.");

    private static bool IsJsonWhitespace(string line)
    {
        foreach (var c in line)
        {
            if (c is not (' ' or '\t' or '\r' or '\n')) return false;
        }
        return true;
    }

    private static readonly Lazy<JsonSerializerSettings> StreamSerializerSettings = new(() => Serialization.MarketplaceJson.CreateSettings());
}
