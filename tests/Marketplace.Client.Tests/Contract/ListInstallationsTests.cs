using System.Linq;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Contract;

public class ListInstallationsTests : IClassFixture<TestApi.Recorded>
{
    private readonly TestApi.Recorded _api;

    public ListInstallationsTests(TestApi.Recorded api) => _api = api;

    [Fact]
    public async Task Reads_the_envelope_the_real_api_returns()
    {
        var page = await _api.Client.ListInstallationsAsync(TestApi.ExtensionId);

        Assert.Equal(3, page.Metadata!.Pagination!.Total);
        Assert.Equal(new[] { "EXI-9262-9354-9841", "EXI-9262-9354-9842", "EXI-9262-9354-9843" }, page.Data!.Select(i => i.Id));
    }

    [Fact]
    public async Task Reads_digit_led_validity_group_buyers_and_free_form_configuration()
    {
        var installed = (await _api.Client.ListInstallationsAsync(TestApi.ExtensionId)).Data!.First();

        Assert.Equal(InstallationStatus.Installed, installed.Status);
        Assert.Equal(InvitationEntityValidity.SevenDays, installed.Invitation!.Validity);
        Assert.Equal(AccountType.Client, installed.Account!.Type);
        Assert.Equal(new[] { "BUY-1111-1111", "BUY-2222-2222" }, installed.Modules!.Single().Filters!.GroupBuyers);
        Assert.Equal(250, (int)((JObject)installed.Configuration!).SelectToken("features.seats")!);
        Assert.Equal("Chris Buyer", installed.Terms!.Single().AcceptedBy!.Name);
    }
}
