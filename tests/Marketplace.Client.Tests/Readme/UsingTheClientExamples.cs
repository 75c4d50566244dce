using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Marketplace.Client.Tests.Contract;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Client.Tests.Readme;

/// <summary>The examples of README.md's "Using the client", compiled and run against the recordings. Keep the two in step.</summary>
public class UsingTheClientExamples : IClassFixture<RecordedApi>
{
    private readonly Uri _baseUri;

    public UsingTheClientExamples(RecordedApi api) => _baseUri = api.Server.BaseUri;

    [Fact]
    public async Task Create_list_page_and_query()
    {
        var cancellationToken = CancellationToken.None;
        var lines = new List<string>();

        // README: create
        using var client = new MarketplaceClient(new MarketplaceClientOptions
        {
            BaseUri = _baseUri,              // default: https://api.platform.softwareone.com
            Token = "idt:TKN-1234-5678:secret",   // default: MPT_API_TOKEN from the environment
        });

        // README: one page
        InstanceListResponse page = await client.ListExtensionInstancesAsync("EXT-6822-9898-4256", limit: 100, offset: 0, cancellationToken);
        lines.Add($"{page.Data!.Count} of {page.Metadata?.Pagination?.Total}");

        // README: everything, page by page, as you go
        var query = RqlQuery.Where(Rql.Eq("status", "Running")).OrderByDescending("audit.created.at").Select("+audit");
        await foreach (Instance instance in client.ListAllExtensionInstancesAsync("EXT-6822-9898-4256", query, cancellationToken))
        {
            switch (instance.Status?.Kind)
            {
                case InstanceStatusKind.Running: lines.Add($"{instance.Id} is running"); break;
                case InstanceStatusKind.Unknown: lines.Add($"{instance.Id} has a new status: {instance.Status}"); break;
            }
        }
        await foreach (Installation installation in client.ListAllInstallationsAsync("EXT-6822-9898-4256", cancellationToken: cancellationToken))
            lines.Add($"{installation.Id} {installation.Status}");
        int? total = await client.ListAllInstallationsAsync("EXT-6822-9898-4256").GetTotalCountAsync(cancellationToken);
        lines.Add($"total {total}");

        // README: errors
        try
        {
            await client.ListInstallationsAsync("EXT-0000-0000-0000", cancellationToken: cancellationToken);
        }
        catch (MarketplaceApiException ex) when (ex.StatusCode == 404)
        {
            lines.Add($"{ex.StatusCode} {ex.Title} {ex.TraceId}");
        }

        Assert.Equal("3 of 3", lines[0]);
        Assert.Contains("INS-6587-4477-5207-8032 is running", lines);
        Assert.Contains("EXI-9262-9354-9841 Installed", lines);
        Assert.Contains("total 3", lines);
        Assert.StartsWith("404", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependency_injection()
    {
        var services = new ServiceCollection();

        // README: dependency injection
        services.AddLogging();
        services.AddMarketplaceClient(options =>
        {
            options.BaseUri = _baseUri;
            options.Token = "idt:TKN-1234-5678:secret";
            options.Retry.MaxAttempts = 3;
        });

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IMarketplaceClient>();
        var count = 0;
        await foreach (var _ in client.ListAllInstallationsAsync("EXT-6822-9898-4256")) count++;
        Assert.Equal(3, count);
    }
}
