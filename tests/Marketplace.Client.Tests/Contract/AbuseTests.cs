using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Client.Tests.Contract;

/// <summary>
/// Seeded mutations of every 2xx recording (truncated, retyped, deleted, garbled, nested too deep), served over
/// loopback: the client either parses the body or throws <see cref="MarketplaceApiException"/>. Any other exception,
/// or a call that does not finish within its per-case timeout, is an escape and fails the test.
/// </summary>
public class AbuseTests
{
    private const int Seed = 20261124;
    private const int Cases = 2400;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;

    public AbuseTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Mutated_recordings_parse_or_fail_with_the_api_exception_and_nothing_else()
    {
        var sources = Recording.All.Where(r => r.IsSuccess && !r.IsStreamed).ToList();
        var random = new Random(Seed);
        string body = "";
        using var server = TestApi.Scripted(_ => TestApi.Http("200 OK", Volatile.Read(ref body)));
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = server.BaseUri,
            Token = "idt:TKN-1234-5678:abuse",
            Retry = { Enabled = false },
            AttemptTimeout = PerCase,
        });

        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var escapes = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var source = sources[random.Next(sources.Count)];
            var (mutation, text) = Mutate(source.BodyText, random);
            Volatile.Write(ref body, text);

            string outcome;
            using var timeout = new CancellationTokenSource(PerCase);
            try
            {
                await RecordingContractTests.CallAsync(client, source, timeout.Token);
                outcome = "parsed";
            }
            catch (MarketplaceApiException)
            {
                outcome = "MarketplaceApiException";
            }
            catch (Exception ex)
            {
                outcome = "ESCAPED " + ex.GetType().Name;
                if (escapes.Count < 10) escapes.Add($"case {i} ({mutation} of {source.Name}): {ex.GetType().Name}: {ex.Message}\n    body: {Excerpt(text)}");
            }
            outcomes[$"{mutation} -> {outcome}"] = outcomes.GetValueOrDefault($"{mutation} -> {outcome}") + 1;
        }

        _output.WriteLine($"{Cases} seeded cases (seed {Seed}) in {clock.Elapsed.TotalSeconds:0.0} s:");
        foreach (var (key, count) in outcomes) _output.WriteLine($"  {count,5}  {key}");
        Assert.True(escapes.Count == 0, "Exceptions other than MarketplaceApiException escaped:\n" + string.Join("\n", escapes));
        Assert.Equal(Cases, outcomes.Values.Sum());
        Assert.Contains(outcomes.Keys, k => k.EndsWith("-> parsed", StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.EndsWith("-> MarketplaceApiException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Random_bytes_instead_of_a_response_surface_as_http_request_exception()
    {
        var random = new Random(Seed);
        using var server = TestApi.Scripted(_ =>
        {
            var bytes = new byte[512];
            random.NextBytes(bytes);
            return bytes;
        });
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = server.BaseUri,
            Token = "idt:TKN-1234-5678:abuse",
            Retry = { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) },
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task A_malformed_chunk_from_wiremock_is_the_api_exception()
    {
        using var api = new TestApi();
        api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        using var client = api.CreateClient(o => o.Retry.Enabled = false);

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        // WireMock's fault sends part of a body or none (it varies from run to run): JSON cut short, or nothing at all.
        Assert.Equal(200, error.StatusCode);
        Assert.True(error.InnerException is null or Newtonsoft.Json.JsonException, error.InnerException?.ToString());
    }

    private static readonly JToken[] Replacements =
    {
        JValue.CreateNull(), new JValue(0), new JValue(-1), new JValue(long.MaxValue), new JValue(1.5e300), new JValue(true),
        new JValue(""), new JValue("not-a-date"), new JValue("2025-13-45T99:99:99Z"), new JValue(new string('x', 5000)),
        new JObject(), new JArray(), new JArray(1, "two", JValue.CreateNull()), new JObject { ["$meta"] = new JObject() },
    };

    private static (string Mutation, string Text) Mutate(string json, Random random)
    {
        switch (random.Next(7))
        {
            case 0:
                return ("truncate", json.Substring(0, random.Next(json.Length)));
            case 1:
            {
                var root = (JContainer)JToken.Parse(json);
                var tokens = root.DescendantsAndSelf().Where(t => t is not JProperty && t != root).ToList();
                tokens[random.Next(tokens.Count)].Replace(Replacements[random.Next(Replacements.Length)].DeepClone());
                return ("retype", root.ToString());
            }
            case 2:
            {
                var root = (JContainer)JToken.Parse(json);
                var properties = root.Descendants().OfType<JProperty>().ToList();
                properties[random.Next(properties.Count)].Remove();
                return ("delete", root.ToString());
            }
            case 3:
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                for (var n = random.Next(1, 8); n > 0; n--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return ("garble", Encoding.UTF8.GetString(bytes));
            }
            case 4:
            {
                var depth = random.Next(50, 400);
                return ("nest", "{\"data\":" + new string('[', depth) + new string(']', depth) + "}");
            }
            case 5:
            {
                var root = (JContainer)JToken.Parse(json);
                var objects = root.DescendantsAndSelf().OfType<JObject>().ToList();
                objects[random.Next(objects.Count)]["unexpected" + random.Next(100)] = Replacements[random.Next(Replacements.Length)].DeepClone();
                return ("add", root.ToString());
            }
            default:
                return ("swap-root", random.Next(3) switch { 0 => "[]", 1 => "null", _ => "\"page\"" });
        }
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text.Substring(0, 200) + "…";
}
