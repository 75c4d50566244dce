using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WireMock.Admin.Mappings;
using WireMock.Server;
using WireMock.Settings;

namespace Marketplace.Client.Cli.Recording;

/// <summary>
/// Records what a real Marketplace API answers to the two list operations (every page, a limit=0 count, and the
/// whole collection in streaming mode) through a WireMock.Net proxy in front of it, and writes the exchanges,
/// sanitized, as mapping files in the layout the tests play back: <c>&lt;out&gt;/&lt;operationId&gt;/page-N.json</c>,
/// <c>count.json</c> and <c>streamed.json</c> (each streamed record sanitized on its own).
/// </summary>
public sealed class SessionRecorder
{
    private static readonly Regex OperationPath = new(@"^/public/v1/integration/extensions/[^/]+/(?<collection>instances|installations)$", RegexOptions.CultureInvariant);

    // Never saved with a recorded request (the mapping files are rebuilt from path and query anyway).
    private static readonly string[] ExcludedHeaders = { "Authorization", "Cookie", "Set-Cookie", "User-Agent", "Host", "traceparent", "Accept-Encoding" };

    private readonly Sanitizer _sanitizer;
    private readonly Action<string> _progress;

    /// <param name="sanitizer">What removes secrets and personal data before anything is written.</param>
    /// <param name="progress">Receives progress lines (pages done of total).</param>
    public SessionRecorder(Sanitizer sanitizer, Action<string> progress)
    {
        _sanitizer = sanitizer;
        _progress = progress;
    }

    /// <summary>Records the session and returns the files written.</summary>
    public async Task<IReadOnlyList<string>> RecordAsync(
        Uri baseUrl, string token, string extensionId, int pageSize, string outputDirectory, CancellationToken cancellationToken)
    {
        if (baseUrl.Scheme != Uri.UriSchemeHttps && !(baseUrl.Scheme == Uri.UriSchemeHttp && baseUrl.IsLoopback))
            throw new InvalidOperationException($"--base-url must be https (http only for a loopback address), not '{baseUrl}': the token must not travel in clear text.");
        if (pageSize is < 1 or > MarketplaceClientOptions.MaxPageSize)
            throw new ArgumentException($"--page-size must be 1 to {MarketplaceClientOptions.MaxPageSize}.");

        using var proxy = WireMockServer.Start(new WireMockServerSettings
        {
            ProxyAndRecordSettings = new ProxyAndRecordSettings
            {
                Url = baseUrl.AbsoluteUri.TrimEnd('/'),
                SaveMapping = true,
                SaveMappingToFile = false,
                ExcludedHeaders = ExcludedHeaders,
            },
        });

        var proxyUri = new Uri(proxy.Url + baseUrl.AbsolutePath);
        using (var client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = proxyUri, Token = token, PageSize = pageSize, PrefetchPages = 1 }))
        {
            await WalkAsync("instances", client.ListAllExtensionInstancesAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await WalkAsync("installations", client.ListAllInstallationsAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var instances = await client.ListAllExtensionInstancesAsync(extensionId, cancellationToken: cancellationToken).GetTotalCountAsync(cancellationToken).ConfigureAwait(false);
            var installations = await client.ListAllInstallationsAsync(extensionId, cancellationToken: cancellationToken).GetTotalCountAsync(cancellationToken).ConfigureAwait(false);
            _progress($"counted with limit=0: {Show(instances)} instances, {Show(installations)} installations");
            await StreamAsync("instances", client.StreamAllExtensionInstancesAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await StreamAsync("installations", client.StreamAllInstallationsAsync(extensionId, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var written = new List<string>();
        foreach (var exchange in Exchanges(proxy).OrderBy(e => e.Operation, StringComparer.Ordinal).ThenBy(e => e.Streamed).ThenBy(e => e.Limit == 0).ThenBy(e => e.Offset))
        {
            var folder = Path.Combine(outputDirectory, exchange.Operation);
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, exchange.Streamed ? "streamed.json" : exchange.Limit == 0 ? "count.json" : $"page-{exchange.Offset / Math.Max(1, exchange.Limit) + 1}.json");
            File.WriteAllText(file, exchange.Mapping.ToString(Formatting.Indented) + "\n", new UTF8Encoding(false));
            written.Add(file);
        }
        _progress($"wrote {written.Count} recordings to {outputDirectory}");
        return written;
    }

    private static string Show(int? total) => total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no total";

    private async Task WalkAsync<T>(string what, MarketplacePageable<T> pageable)
    {
        var items = 0;
        var pages = 0;
        await foreach (var page in pageable.AsPages().ConfigureAwait(false))
        {
            items += page.Items.Count;
            pages++;
            var of = page.Total is { } total ? $" of {total} ({(total + Math.Max(1, page.Limit) - 1) / Math.Max(1, page.Limit)} pages)" : "";
            _progress($"{what}: page {pages}, {items} items{of}");
        }
    }

    // A server that cannot stream a collection (501, 406, 413) is recorded without a stream; the pages are enough.
    private async Task StreamAsync<T>(string what, IAsyncEnumerable<T> stream)
    {
        var records = 0;
        try
        {
            await foreach (var _ in stream.ConfigureAwait(false)) records++;
            _progress($"{what}: streamed {records} records in one request");
        }
        catch (MarketplaceApiException ex)
        {
            _progress($"{what}: not streamed ({ex.StatusCode}); recorded pages only");
        }
    }

    private IEnumerable<(string Operation, int Offset, int Limit, bool Streamed, JObject Mapping)> Exchanges(WireMockServer proxy)
    {
        foreach (var entry in proxy.LogEntries)
        {
            var request = entry.RequestMessage;
            var response = entry.ResponseMessage;
            if (request is null || response is null) continue;
            var match = OperationPath.Match(request.Path);
            if (!match.Success) continue;
            var operation = match.Groups["collection"].Value == "instances" ? "ListExtensionInstances" : "ListInstallations";
            var limit = Query(request.Query, "limit");
            var offset = Query(request.Query, "offset");
            var status = response.StatusCode is int code ? code : Convert.ToInt32(response.StatusCode, System.Globalization.CultureInfo.InvariantCulture);
            var contentType = response.Headers?.Where(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).FirstOrDefault() ?? "application/json";
            var text = response.BodyData?.BodyAsString ?? (response.BodyData?.BodyAsJson is { } json ? JsonConvert.SerializeObject(json) : "");
            var streamed = request.Headers?.Any(h => string.Equals(h.Key, "MPT-Streaming", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("true")) == true;

            var responseModel = new JObject { ["StatusCode"] = status, ["Headers"] = new JObject { ["Content-Type"] = contentType } };
            if (streamed && contentType.StartsWith(MarketplaceClient.JsonLinesMediaType, StringComparison.OrdinalIgnoreCase))
            {
                // One record per line, each sanitized on its own; keep-alive lines are kept as they came.
                var lines = text.Split('\n').Select(line => string.IsNullOrWhiteSpace(line) ? line : _sanitizer.Sanitize(JToken.Parse(line)).ToString(Formatting.None));
                responseModel["Headers"]!["MPT-Streaming"] = "true";
                responseModel["Headers"]!["MPT-Item-Count"] = Header(response.Headers, "MPT-Item-Count") ?? "";
                responseModel["Body"] = string.Join("\n", lines);
            }
            else
            {
                try
                {
                    responseModel["BodyAsJson"] = _sanitizer.Sanitize(JToken.Parse(text));
                }
                catch (JsonReaderException)
                {
                    responseModel["Body"] = _sanitizer.SanitizeText(text);
                }
            }

            var requestModel = new JObject
            {
                ["Path"] = new JObject { ["Matchers"] = new JArray(new JObject { ["Name"] = "ExactMatcher", ["Pattern"] = request.Path }) },
                ["Methods"] = new JArray(request.Method),
            };
            if (streamed)
            {
                requestModel["Headers"] = new JArray(new JObject { ["Name"] = "MPT-Streaming", ["Matchers"] = new JArray(new JObject { ["Name"] = "ExactMatcher", ["Pattern"] = "true" }) });
            }
            else
            {
                requestModel["Params"] = new JArray(
                    new JObject { ["Name"] = "limit", ["Matchers"] = new JArray(new JObject { ["Name"] = "ExactMatcher", ["Pattern"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) }) },
                    new JObject { ["Name"] = "offset", ["Matchers"] = new JArray(new JObject { ["Name"] = "ExactMatcher", ["Pattern"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) }) });
            }
            var title = streamed ? $"Recorded: {operation}, streamed" : limit == 0 ? $"Recorded: {operation}, count (limit=0)" : $"Recorded: {operation}, limit {limit}, offset {offset}";
            var mapping = new JObject
            {
                ["Guid"] = StableGuid(request.Path + (streamed ? "#streamed" : "?" + limit + "&" + offset)),
                ["Title"] = title,
                ["Request"] = requestModel,
                ["Response"] = responseModel,
            };
            yield return (operation, offset, limit, streamed, mapping);
        }
    }

    private static string? Header(IDictionary<string, WireMock.Types.WireMockList<string>>? headers, string name) =>
        headers?.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).FirstOrDefault();

    private static int Query(IDictionary<string, WireMock.Types.WireMockList<string>>? query, string name) =>
        query is not null && query.TryGetValue(name, out var values) && int.TryParse(values.FirstOrDefault(), out var value) ? value : 0;

    // Same request, same Guid: two recordings of the same data are byte-identical.
    private static string StableGuid(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
