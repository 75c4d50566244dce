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
    public void Timestamps_in_unknown_fields_keep_their_instant_and_offset_and_other_strings_stay_as_sent()
    {
        var json = """{"id":"INS-1","suspendedAt":"2025-06-02T17:05:11.480+02:00","note":"2025-01-01","code":"0042"}""";

        var written = JsonConvert.DeserializeObject<JObject>(
            MarketplaceJson.Serialize(MarketplaceJson.Deserialize<Instance>(json)),
            new JsonSerializerSettings { DateParseHandling = DateParseHandling.None })!;

        Assert.Equal(new DateTimeOffset(2025, 6, 2, 17, 5, 11, 480, TimeSpan.FromHours(2)), DateTimeOffset.Parse((string)written["suspendedAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("+02:00", (string)written["suspendedAt"]!, StringComparison.Ordinal);
        Assert.Equal("2025-01-01", (string?)written["note"]);
        Assert.Equal("0042", (string?)written["code"]);
    }
}
