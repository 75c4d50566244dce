using System;
using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Serialization;

/// <summary>Statuses change over time (API-FACTS): a value the client does not know is kept, never rejected.</summary>
public class ExtensibleEnumTests
{
    private const string Page = """
        {"$meta":{"pagination":{"offset":0,"limit":100,"total":4},"omitted":[]},"data":[
          {"id":"INS-6587-4477-5207-8032","status":"Suspended","futureField":{"nested":[1,2]}},
          {"id":"INS-6587-4477-5207-8033","status":"running"},
          {"id":"INS-6587-4477-5207-8034","status":"Running"},
          {"id":"INS-6587-4477-5207-8035"}
        ]}
        """;

    private static async Task<InstanceListResponse> ServeAndListAsync(string body)
    {
        using var api = new TestApi();
        api.Serve(TestApi.InstancesPath, body);
        return await api.Client.ListExtensionInstancesAsync(TestApi.ExtensionId);
    }

    [Fact]
    public async Task An_unknown_value_is_kept_verbatim_and_reported_as_unknown()
    {
        var suspended = (await ServeAndListAsync(Page)).Data![0].Status!.Value;

        Assert.Equal("Suspended", suspended.ToString());
        Assert.False(suspended.IsKnown);
        Assert.Equal(InstanceStatusKind.Unknown, suspended.Kind);
        Assert.NotEqual(InstanceStatus.Running, suspended);
        Assert.Equal(new InstanceStatus("SUSPENDED"), suspended);
    }

    [Fact]
    public async Task A_known_value_in_another_case_equals_the_known_value_and_keeps_its_spelling()
    {
        var page = await ServeAndListAsync(Page);
        var lower = page.Data![1].Status!.Value;

        Assert.Equal(InstanceStatus.Running, lower);
        Assert.Equal(InstanceStatusKind.Running, lower.Kind);
        Assert.Equal("running", lower.ToString());
        Assert.Equal(InstanceStatus.Running.GetHashCode(), lower.GetHashCode());
    }

    [Fact]
    public async Task Known_values_switch_naturally_and_an_absent_value_is_null()
    {
        var page = await ServeAndListAsync(Page);

        var described = page.Data!.Select(i => i.Status?.Kind switch
        {
            InstanceStatusKind.Running => "running",
            InstanceStatusKind.Unknown => "unknown: " + i.Status,
            null => "no status",
            _ => "other",
        });

        Assert.Equal(new[] { "unknown: Suspended", "running", "running", "no status" }, described);
    }

    [Fact]
    public async Task Values_are_written_back_exactly_as_they_were_read()
    {
        var page = await ServeAndListAsync(Page);

        var written = JObject.Parse(JsonConvert.SerializeObject(page));

        Assert.Equal(new[] { "Suspended", "running", "Running" }, written["data"]!.Select(i => (string?)i["status"]).Where(s => s is not null));
    }

    [Fact]
    public void A_known_value_serializes_to_its_wire_string()
    {
        var invitation = new InvitationEntity { Validity = InvitationEntityValidity.FourteenDays };

        Assert.Equal("{\"validity\":\"14d\"}", JsonConvert.SerializeObject(invitation));
        Assert.Equal(InvitationEntityValidity.FourteenDays, JsonConvert.DeserializeObject<InvitationEntity>("{\"validity\":\"14D\"}")!.Validity);
    }

    [Fact]
    public async Task A_status_that_is_not_a_string_is_a_malformed_response()
    {
        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() =>
            ServeAndListAsync("""{"data":[{"id":"INS-1","status":42}]}"""));

        Assert.IsType<JsonSerializationException>(error.InnerException);
        Assert.Contains("Expected a string for InstanceStatus at 'data[0].status'", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_empty_and_unknown()
    {
        Assert.Equal("", default(InstanceStatus).ToString());
        Assert.Equal(InstanceStatusKind.Unknown, default(InstanceStatus).Kind);
        Assert.Throws<ArgumentNullException>(() => new InstanceStatus(null!));
    }

    // Issue 36 ("also look at"): default(InstanceStatus) holds no value; it was written as "" (a status the platform would
    // refuse or, worse, store). It is written as null, as a nullable status with no value is.
    [Fact]
    public void A_default_value_is_written_as_null_not_as_an_empty_status()
    {
        var written = Marketplace.Client.Serialization.MarketplaceJson.Serialize(new Instance { Status = default(InstanceStatus) });

        Assert.Equal("""{"status":null}""", written);
        Assert.Equal("""{"status":""}""", Marketplace.Client.Serialization.MarketplaceJson.Serialize(new Instance { Status = new InstanceStatus("") }));
    }
}
