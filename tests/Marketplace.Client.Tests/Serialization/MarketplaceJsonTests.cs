using System;
using System.Linq;
using System.Threading.Tasks;
using Marketplace.Client.Serialization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Serialization;

/// <summary>What MarketplaceJson writes back for values the generated models do not type.</summary>
public class MarketplaceJsonTests
{
    [Fact]
    public void Strings_in_free_form_and_unknown_json_come_back_exactly_as_sent_date_looking_ones_included()
    {
        var json = """
            {"id":"EXI-1","suspendedAt":"2025-06-02T17:05:11.480+02:00","renewedAt":"2025-03-14T09:26:53Z","note":"2025-01-01","code":"0042",
             "configuration":{"renewal":"2025-03-14T09:26:53Z","window":["2025-03-14T09:26:53.1Z","2025-03-14"],"nested":{"at":"2025-03-14T09:26:53.000+00:00"}}}
            """;

        var written = MarketplaceJson.Serialize(MarketplaceJson.Deserialize<Installation>(json));

        Assert.True(JToken.DeepEquals(Reparse(json), Reparse(written)), written);
        Assert.Contains("\"renewal\":\"2025-03-14T09:26:53Z\"", written, StringComparison.Ordinal);
        Assert.Contains("\"renewedAt\":\"2025-03-14T09:26:53Z\"", written, StringComparison.Ordinal);
        Assert.Contains("\"at\":\"2025-03-14T09:26:53.000+00:00\"", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_timestamps_are_instants_with_their_offset()
    {
        var json = """{"id":"EXI-1","audit":{"created":{"at":"2025-06-02T17:05:11.480+02:00"}}}""";

        var installation = MarketplaceJson.Deserialize<Installation>(json)!;

        Assert.Equal(new DateTimeOffset(2025, 6, 2, 17, 5, 11, 480, TimeSpan.FromHours(2)), installation.Audit!.Created!.At);
        Assert.Equal(TimeSpan.FromHours(2), installation.Audit.Created.At!.Value.Offset);
    }

    [Fact]
    public void Settings_handed_out_are_the_callers_own_and_changing_them_changes_nothing_the_client_reads()
    {
        var mine = MarketplaceJson.CreateSettings();
        ((Newtonsoft.Json.Serialization.DefaultContractResolver)mine.ContractResolver!).NamingStrategy = new Newtonsoft.Json.Serialization.SnakeCaseNamingStrategy { OverrideSpecifiedNames = true };
        mine.DateParseHandling = DateParseHandling.DateTime;

        Assert.NotSame(mine.ContractResolver, MarketplaceJson.CreateSettings().ContractResolver);
        Assert.NotSame(PresenceContractResolver.Instance, mine.ContractResolver);
        var instance = MarketplaceJson.Deserialize<Instance>("""{"id":"INS-1","externalId":"x-1"}""")!;
        Assert.Equal("x-1", instance.ExternalId);
        Assert.Contains("\"externalId\":\"x-1\"", MarketplaceJson.Serialize(instance), StringComparison.Ordinal);
    }

    // Issue 36, item 10: a double keeps 15-17 significant digits, so a free-form number came back rounded.
    [Theory]
    [InlineData("12345678.123456789012")]
    [InlineData("0.1")]
    [InlineData("1234567890123456789012345.678")]
    [InlineData("-0.000000000000000000000000123")]
    [InlineData("123456789012345678901234567890")] // an integer: Newtonsoft keeps it exactly (BigInteger)
    public void Free_form_numbers_come_back_with_every_digit(string number)
    {
        var json = "{\"id\":\"EXI-1\",\"configuration\":{\"price\":" + number + ",\"list\":[" + number + "]},\"unknownField\":" + number + "}";

        var written = MarketplaceJson.Serialize(MarketplaceJson.Deserialize<Installation>(json));

        Assert.Equal(json, written);
    }

    [Theory]
    [InlineData("1e30", 1e30)]
    [InlineData("-2.5E+300", -2.5e300)]
    public void A_free_form_number_beyond_what_a_decimal_holds_is_still_read(string number, double value)
    {
        var json = "{\"id\":\"EXI-1\",\"configuration\":{\"big\":" + number + ",\"exact\":0.1}}";

        var installation = MarketplaceJson.Deserialize<Installation>(json)!;

        Assert.Equal(value, ((JObject)installation.Configuration!)["big"]!.Value<double>());
    }

    // The text as JSON without reading dates, so a rewritten string shows as a difference.
    private static JToken Reparse(string json)
    {
        using var reader = new JsonTextReader(new System.IO.StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }
}

/// <summary>Exact free-form numbers through the client's own reads: a page (from the buffered body) and a stream (per record).</summary>
public sealed class FreeFormNumbersOverHttpTests : IDisposable
{
    private const string Record = """{"id":"EXI-1","configuration":{"price":12345678.123456789012,"huge":1e30}}""";
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_page_keeps_every_digit_and_still_reads_a_number_beyond_a_decimal()
    {
        _api.Serve(TestApi.InstallationsPath, """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[""" + Record + "]}");

        var page = await _api.Client.ListInstallationsAsync(TestApi.ExtensionId);

        var configuration = (JObject)page.Data!.Single().Configuration!;
        Assert.Equal(1e30, configuration["huge"]!.Value<double>());
        Assert.Equal(12345678.123456789, configuration["price"]!.Value<double>(), 6); // read with doubles: digits go, the data does not
    }

    [Fact]
    public async Task A_page_of_numbers_a_decimal_holds_keeps_every_digit()
    {
        _api.Serve(TestApi.InstallationsPath, """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"EXI-1","configuration":{"price":12345678.123456789012}}]}""");

        var page = await _api.Client.ListInstallationsAsync(TestApi.ExtensionId);

        Assert.Equal("""{"id":"EXI-1","configuration":{"price":12345678.123456789012}}""", MarketplaceJson.Serialize(page.Data!.Single()));
    }

    [Fact]
    public async Task A_stream_keeps_every_digit_and_reads_a_record_with_a_number_beyond_a_decimal()
    {
        _api.WireMock.Given(WireMock.RequestBuilders.Request.Create().WithPath(TestApi.InstallationsPath).UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "application/jsonl").WithHeader("MPT-Streaming", "true")
                .WithHeader("MPT-Item-Count", "2").WithBody("""{"id":"EXI-2","configuration":{"price":12345678.123456789012}}""" + "\n" + Record + "\n"));

        var records = new System.Collections.Generic.List<Installation>();
        await foreach (var installation in _api.Client.StreamAllInstallationsAsync(TestApi.ExtensionId)) records.Add(installation);

        Assert.Equal("""{"id":"EXI-2","configuration":{"price":12345678.123456789012}}""", MarketplaceJson.Serialize(records[0]));
        Assert.Equal(1e30, ((JObject)records[1].Configuration!)["huge"]!.Value<double>());
    }
}

/// <summary>
/// Only what was set or read is written (issue 36, item 1): a schema default (<c>generateDefaultValues</c> puts it in the
/// field's initializer) and a collection NSwag initializes are values nobody set, and writing them would reset server
/// fields on a PUT. <see cref="Ticket"/> is what build/Templates/Class.liquid makes of a schema with defaults; the
/// regeneration check (tests/package-tests.sh) proves the same of a generated model.
/// </summary>
public sealed class UnsetDefaultsTests
{
    [Fact]
    public void A_new_model_writes_only_what_was_set_not_its_schema_defaults()
    {
        var ticket = new Ticket { Title = "t" };

        Assert.Equal("Normal", ticket.Priority); // the default reads as the schema says
        Assert.Equal("""{"title":"t"}""", MarketplaceJson.Serialize(ticket));
    }

    [Fact]
    public void A_read_model_writes_back_what_was_read_and_nothing_else()
    {
        var ticket = MarketplaceJson.Deserialize<Ticket>("""{"title":"t","tags":["a"]}""")!;

        Assert.Equal("""{"title":"t","tags":["a"]}""", MarketplaceJson.Serialize(ticket));
    }

    [Fact]
    public void A_default_set_on_purpose_is_written()
    {
        var ticket = new Ticket { Title = "t", Priority = "Normal", Notify = true };

        Assert.Equal("""{"title":"t","priority":"Normal","notify":true}""", MarketplaceJson.Serialize(ticket));
    }

    // As Class.liquid writes a schema {title, priority (default Normal), notify (default true), tags (array)}.
    public sealed class Ticket : IPresenceTracked
    {
        private ulong _setProperties;
        private string? _title = default!;
        private string? _priority = "Normal";
        private bool? _notify = true;
        private System.Collections.Generic.IReadOnlyList<string>? _tags = new System.Collections.Generic.List<string>();

        [JsonProperty("title", Required = Required.Default, NullValueHandling = NullValueHandling.Ignore)]
        public string? Title { get => _title; set { _title = value; _setProperties |= 1UL << 0; } }

        [JsonProperty("priority", Required = Required.Default, NullValueHandling = NullValueHandling.Ignore)]
        public string? Priority { get => _priority; set { _priority = value; _setProperties |= 1UL << 1; } }

        [JsonProperty("notify", Required = Required.Default, NullValueHandling = NullValueHandling.Ignore)]
        public bool? Notify { get => _notify; set { _notify = value; _setProperties |= 1UL << 2; } }

        [JsonProperty("tags", Required = Required.Default, NullValueHandling = NullValueHandling.Ignore)]
        public System.Collections.Generic.IReadOnlyList<string>? Tags { get => _tags; set { _tags = value; _setProperties |= 1UL << 3; } }

        bool IPresenceTracked.WasSet(string jsonName) => jsonName switch
        {
            "title" => (_setProperties & (1UL << 0)) != 0,
            "priority" => (_setProperties & (1UL << 1)) != 0,
            "notify" => (_setProperties & (1UL << 2)) != 0,
            "tags" => (_setProperties & (1UL << 3)) != 0,
            _ => false,
        };
    }
}
