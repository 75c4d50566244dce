using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Diagnostics;
using Marketplace.Client.Http;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// A cancelled call ends in an <see cref="OperationCanceledException"/> whose <see cref="OperationCanceledException.CancellationToken"/>
/// is the caller's own (issue 36, item 6): code that tells "I cancelled" from "it timed out" by comparing tokens
/// (<c>catch (OperationCanceledException e) when (e.CancellationToken == token)</c>) must not see a token linked inside the client.
/// </summary>
public sealed class CallerCancellationTests : IDisposable
{
    private static readonly OperationInfo Fetch = new("DownloadInstanceAttachment", "public/v1/integration/instances/{instanceId}/attachments/{attachmentId}");
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private static TestApi.ScriptedServer SendsHeadAndOneRecordThenStalls(string head) => TestApi.Scripted(async (_, _, stream, stop) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + TestApi.Lines(1)), stop);
        await stream.FlushAsync(stop);
        await Task.Delay(Timeout.Infinite, stop);
    });

    private static MarketplaceClient Client(Uri baseUri) => new(new MarketplaceClientOptions { BaseUri = baseUri, Token = TestApi.Token });

    private static async Task<OperationCanceledException> CancelledAsync(Func<Task> pending, CancellationTokenSource source)
    {
        source.CancelAfter(TimeSpan.FromMilliseconds(100));
        return await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_download_read_cancelled_by_the_caller_carries_the_callers_token()
    {
        using var server = SendsHeadAndOneRecordThenStalls("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n");
        using var client = Client(server.BaseUri);
        using var download = await client.DownloadAsync(new MarketplaceRequest(Fetch, HttpMethod.Get, "public/v1/integration/instances/INS-1/attachments/ATT-1").AsDownload("application/pdf"), default);
        using var source = new CancellationTokenSource();
        var buffer = new byte[100_000];
        var first = await download.Content.ReadAsync(buffer, source.Token); // what has arrived
        Assert.True(first > 0);

        var cancelled = await CancelledAsync(async () => _ = await download.Content.ReadAsync(buffer, source.Token), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task A_stream_cancelled_through_the_methods_token_carries_it()
    {
        using var server = SendsHeadAndOneRecordThenStalls("HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 3\r\nConnection: close\r\n\r\n");
        using var client = Client(server.BaseUri);
        using var source = new CancellationTokenSource();
        await using var records = client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: source.Token).GetAsyncEnumerator();
        Assert.True(await records.MoveNextAsync());

        var cancelled = await CancelledAsync(async () => await records.MoveNextAsync(), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task A_stream_cancelled_through_WithCancellation_carries_that_token_even_with_a_methods_token_too()
    {
        using var server = SendsHeadAndOneRecordThenStalls("HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nMPT-Streaming: true\r\nMPT-Item-Count: 3\r\nConnection: close\r\n\r\n");
        using var client = Client(server.BaseUri);
        using var methods = new CancellationTokenSource();
        using var source = new CancellationTokenSource();
        await using var records = client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: methods.Token).WithCancellation(source.Token).GetAsyncEnumerator();
        Assert.True(await records.MoveNextAsync());

        var cancelled = await CancelledAsync(async () => await records.MoveNextAsync(), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task ListAll_cancelled_between_items_carries_the_methods_token()
    {
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 3, 3));
        using var source = new CancellationTokenSource();
        var seen = new List<string?>();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var instance in _api.Client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: source.Token))
            {
                seen.Add(instance.Id);
                source.Cancel();
            }
        });

        Assert.Single(seen);
        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task ListAll_cancelled_while_a_page_is_in_flight_carries_the_enumerations_token()
    {
        _api.Server.DelayNext(TimeSpan.FromSeconds(30));
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 3, 3));
        using var methods = new CancellationTokenSource();
        using var source = new CancellationTokenSource();
        await using var items = _api.Client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: methods.Token).GetAsyncEnumerator(source.Token);

        var cancelled = await CancelledAsync(async () => await items.MoveNextAsync(), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task A_pages_enumeration_cancelled_carries_the_callers_token()
    {
        _api.Server.DelayNext(TimeSpan.FromSeconds(30));
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 3, 3));
        using var source = new CancellationTokenSource();
        await using var pages = _api.Client.ListAllExtensionInstancesAsync(TestApi.ExtensionId).AsPages(source.Token).GetAsyncEnumerator();

        var cancelled = await CancelledAsync(async () => await pages.MoveNextAsync(), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task A_count_cancelled_carries_the_callers_token()
    {
        _api.Server.DelayNext(TimeSpan.FromSeconds(30));
        _api.Serve(TestApi.InstancesPath, TestApi.Page(0, 3, 3));
        using var methods = new CancellationTokenSource();
        using var source = new CancellationTokenSource();
        var pageable = _api.Client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: methods.Token);

        var cancelled = await CancelledAsync(() => pageable.GetTotalCountAsync(source.Token), source);

        Assert.Equal(source.Token, cancelled.CancellationToken);
    }
}
