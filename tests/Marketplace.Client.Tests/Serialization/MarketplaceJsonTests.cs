using System;
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

    // The text as JSON without reading dates, so a rewritten string shows as a difference.
    private static JToken Reparse(string json)
    {
        using var reader = new JsonTextReader(new System.IO.StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }
}
