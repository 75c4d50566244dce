using Contoso.Operations;
using Marketplace.Client;
using Marketplace.Client.Query;
using Marketplace.Client.Testing;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using Xunit;

namespace Contoso.Operations.Tests;

public class RunningInstancesTests
{
    private const string ExtensionId = "EXT-6822-9898-4256";

    private static List<Instance> Running(int count) => Enumerable.Range(1, count)
        .Select(i => new Instance { Id = $"INS-6587-4477-5207-{i:D4}", Status = InstanceStatus.Running, Name = "node-" + i })
        .ToList();

    [Fact]
    public async Task Counts_the_instances_of_a_faked_client()
    {
        var marketplace = Substitute.For<IMarketplaceClient>();
        marketplace.ListAllExtensionInstancesAsync(ExtensionId, Arg.Any<RqlQuery?>(), Arg.Any<CancellationToken>())
            .Returns(MarketplacePageable<Instance>.FromItems(Running(230)));

        Assert.Equal(230, await new RunningInstances(marketplace).CountAsync(ExtensionId));
        marketplace.Received(1).ListAllExtensionInstancesAsync(ExtensionId, Arg.Is<RqlQuery?>(q => q!.Filter!.ToString() == "eq(status,\"Running\")"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Leaves_out_records_deleted_after_the_snapshot_and_knows_a_missing_extension()
    {
        var deleted = new Instance { Id = "INS-0000-0000-0000-0001", Metadata = new PlatformMetadata { Deleted = true } };
        var marketplace = Substitute.For<IMarketplaceClient>();
        marketplace.ListAllExtensionInstancesAsync(ExtensionId, Arg.Any<RqlQuery?>(), Arg.Any<CancellationToken>())
            .Returns(MarketplacePageable<Instance>.FromPages([MarketplacePage<Instance>.FromItems([.. Running(2), deleted], total: 3)]));
        marketplace.ListAllExtensionInstancesAsync("EXT-0000-0000-0000", Arg.Any<RqlQuery?>(), Arg.Any<CancellationToken>())
            .Returns(MarketplacePageable<Instance>.FromPages(Missing()));
        var service = new RunningInstances(marketplace);

        Assert.Equal(2, await service.CountAsync(ExtensionId));
        Assert.Null(await service.CountAsync("EXT-0000-0000-0000"));

        static IEnumerable<MarketplacePage<Instance>> Missing()
        {
            throw MarketplaceApiException.FromProblemDetails(404, title: "Not Found", detail: "No such extension.", traceId: "00-abc-01");
#pragma warning disable CS0162 // An iterator needs a yield to be one; the throw above is the point.
            yield break;
#pragma warning restore CS0162
        }
    }

    [Fact]
    public async Task Counts_every_page_of_a_test_server_through_a_429_that_the_client_retries()
    {
        await using var server = MarketplaceTestServer.Start();
        server.AddExtensionInstances(ExtensionId, Running(230)).FailNext(429, retryAfter: TimeSpan.FromSeconds(1));
        using var client = server.CreateClient();

        Assert.Equal(230, await new RunningInstances(client).CountAsync(ExtensionId));

        Assert.Equal([429, 200, 200, 200], server.Requests.Select(r => r.StatusCode ?? 0));
        Assert.All(server.Requests, r => Assert.Equal("eq(status,\"Running\")", r.Filter));
        Assert.Equal(["Bearer ***"], server.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task Counts_only_the_running_ones_of_a_test_server_that_answers_the_filter_as_the_platform_does()
    {
        await using var server = MarketplaceTestServer.Start();
        var mixed = Running(300).Select((instance, i) => i % 4 == 0 ? instance : new Instance { Id = instance.Id, Status = new InstanceStatus(i % 4 == 1 ? "Disconnected" : "running") });
        server.AddExtensionInstances(ExtensionId, mixed);
        using var client = server.CreateClient();

        // 75 of 300 are Running; "running" is another status (RQL compares text as it is written).
        Assert.Equal(75, await new RunningInstances(client).CountAsync(ExtensionId));
    }

    [Fact]
    public async Task Works_with_the_client_from_dependency_injection_and_a_missing_extension()
    {
        await using var server = MarketplaceTestServer.Start();
        server.AddExtensionInstances(ExtensionId, Running(3));
        var services = new ServiceCollection();
        services.AddMarketplaceClient(options =>
        {
            options.BaseUri = server.BaseUri;
            options.Token = MarketplaceTestServer.Token;
        });
        services.AddTransient<RunningInstances>();
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<RunningInstances>();

        Assert.Equal(3, await service.CountAsync(ExtensionId));
        Assert.Null(await service.CountAsync("EXT-0000-0000-0000"));
    }
}
