using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Testing;

/// <summary>
/// What a consumer fakes its own tests with, using only public API: pages, pageables and API exceptions that behave
/// like the ones the client makes from real responses.
/// </summary>
public class FakesTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private static List<Instance> Instances(int count) =>
        Enumerable.Range(1, count).Select(i => new Instance { Id = $"INS-0000-0000-0000-{i:D4}", Status = InstanceStatus.Running }).ToList();

    [Fact]
    public async Task A_pageable_from_items_is_cut_into_pages_of_100_like_the_server_cuts_them()
    {
        var pageable = MarketplacePageable<Instance>.FromItems(Instances(250));

        var pages = new List<MarketplacePage<Instance>>();
        await foreach (var page in pageable.AsPages()) pages.Add(page);

        Assert.Equal(new[] { (0, 100, 100, 250), (100, 100, 100, 250), (200, 50, 100, 250) },
            pages.Select(p => (p.Offset, p.Items.Count, p.Limit, p.Total ?? -1)));
        var items = new List<string?>();
        await foreach (var instance in pageable) items.Add(instance.Id);
        Assert.Equal(Instances(250).Select(i => i.Id), items);
        Assert.Equal(250, await pageable.GetTotalCountAsync());
    }

    [Fact]
    public async Task No_items_are_one_empty_page_with_a_total_of_zero()
    {
        var pageable = MarketplacePageable<Instance>.FromItems(Array.Empty<Instance>());

        var pages = new List<MarketplacePage<Instance>>();
        await foreach (var page in pageable.AsPages()) pages.Add(page);

        var only = Assert.Single(pages);
        Assert.Empty(only.Items);
        Assert.Equal(0, only.Total);
        Assert.Equal(0, await pageable.GetTotalCountAsync());
    }

    [Fact]
    public async Task Given_pages_are_handed_out_as_given_and_the_total_is_the_first_pages()
    {
        var pageable = MarketplacePageable<Instance>.FromPages(new[]
        {
            MarketplacePage<Instance>.FromItems(Instances(2), offset: 0, total: null),
            MarketplacePage<Instance>.FromItems(Instances(1), offset: 2),
        });

        var seen = new List<(int, int)>();
        await foreach (var page in pageable.AsPages()) seen.Add((page.Offset, page.Items.Count));

        Assert.Equal(new[] { (0, 2), (2, 1) }, seen);
        Assert.Null(await pageable.GetTotalCountAsync());
        Assert.Null(await MarketplacePageable<Instance>.FromPages(Array.Empty<MarketplacePage<Instance>>()).GetTotalCountAsync());
        Assert.Equal(100, MarketplacePage<Instance>.FromItems(Instances(3)).Limit);
        Assert.Empty(MarketplacePage<Instance>.FromItems(Instances(3)).Omitted);
    }

    [Fact]
    public async Task A_failure_in_the_given_pages_fails_the_enumeration_where_it_happens()
    {
        IEnumerable<MarketplacePage<Instance>> Pages()
        {
            yield return MarketplacePage<Instance>.FromItems(Instances(100), 0, 300);
            yield return MarketplacePage<Instance>.FromItems(Instances(100), 100, 300);
            throw MarketplaceApiException.FromProblemDetails(503, title: "Service Unavailable");
        }

        var delivered = 0;
        var error = await Assert.ThrowsAsync<MarketplaceApiException>(async () =>
        {
            await foreach (var _ in MarketplacePageable<Instance>.FromPages(Pages())) delivered++;
        });

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(200, delivered);
    }

    [Fact]
    public async Task Cancellation_stops_a_faked_enumeration_at_the_next_item()
    {
        using var cancel = new CancellationTokenSource();
        var delivered = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in MarketplacePageable<Instance>.FromItems(Instances(250)).WithCancellation(cancel.Token))
            {
                if (++delivered == 5) cancel.Cancel();
            }
        });

        Assert.Equal(5, delivered);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MarketplacePageable<Instance>.FromItems(Instances(1)).GetTotalCountAsync(cancel.Token));
    }

    [Fact]
    public void Fakes_refuse_what_a_server_could_not_send()
    {
        Assert.Throws<ArgumentNullException>(() => MarketplacePageable<Instance>.FromItems(null!));
        Assert.Throws<ArgumentNullException>(() => MarketplacePageable<Instance>.FromPages(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplacePageable<Instance>.FromItems(Instances(1), pageSize: 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplacePageable<Instance>.FromItems(Instances(1), pageSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplacePage<Instance>.FromItems(Instances(1), offset: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplacePage<Instance>.FromItems(Instances(1), total: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplaceApiException.FromProblemDetails(42));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketplaceApiException.FromProblemDetails(429, retryAfter: TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task An_exception_from_problem_details_reads_the_same_as_one_the_client_throws_for_that_response()
    {
        // What the platform sends, in the order RFC 7807 lists the members.
        _api.Serve(TestApi.InstancesPath, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"detail":"Extension EXT-0000-0000-0000 was not found.","instance":"/public/v1/integration/extensions/EXT-0000-0000-0000/instances","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","errors":[{"id":"EXT404","message":"No such extension.","properties":["extensionId"]},{"message":"Check the ID."}]}
            """.Trim(), 404, "application/problem+json");
        using var client = _api.CreateClient(o => o.Retry.Enabled = false);
        var thrown = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        var faked = MarketplaceApiException.FromProblemDetails(
            404,
            title: "Not Found",
            detail: "Extension EXT-0000-0000-0000 was not found.",
            traceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            errors: new[] { new MarketplaceApiError("extensionId", "No such extension.", "EXT404"), new MarketplaceApiError(null, "Check the ID.") },
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            instance: "/public/v1/integration/extensions/EXT-0000-0000-0000/instances");

        Assert.Equal(thrown.Message, faked.Message);
        Assert.Equal(
            (thrown.StatusCode, thrown.Title, thrown.Detail, thrown.Type, thrown.Instance, thrown.TraceId, thrown.ResponseExcerpt, thrown.RetryAfter),
            (faked.StatusCode, faked.Title, faked.Detail, faked.Type, faked.Instance, faked.TraceId, faked.ResponseExcerpt, faked.RetryAfter));
        Assert.Equal(thrown.Errors.Select(e => (e.Field, e.Message, e.Code)), faked.Errors.Select(e => (e.Field, e.Message, e.Code)));
        Assert.Equal(thrown.Headers["Content-Type"], faked.Headers["Content-Type"]);
    }

    [Fact]
    public async Task A_faked_429_carries_its_retry_after_as_a_thrown_one_does()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120").WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"title":"Too Many Requests","status":429,"traceId":"t-1"}"""));
        using var client = _api.CreateClient(o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));
        var thrown = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        var faked = MarketplaceApiException.FromProblemDetails(429, title: "Too Many Requests", traceId: "t-1", retryAfter: TimeSpan.FromSeconds(119.2));

        Assert.Equal(TimeSpan.FromSeconds(120), faked.RetryAfter);
        Assert.Equal(thrown.RetryAfter, faked.RetryAfter);
        Assert.Equal(thrown.Message, faked.Message);
        Assert.Equal(thrown.ResponseExcerpt, faked.ResponseExcerpt);
    }
}
