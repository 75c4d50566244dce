using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.Http;

/// <summary>
/// GET requests are retried on transient failures, honouring Retry-After, within limits: over the wire, against WireMock.
/// The rules one by one, with the waits they choose, are in Pipeline/RetryHandlerTests (in memory, on a moved clock).
/// </summary>
public class RetryTests : IDisposable
{

    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private void FirstThen(IResponseBuilder first, IResponseBuilder then)
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .InScenario("retry").WillSetStateTo("recovered").RespondWith(first);
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .InScenario("retry").WhenStateIs("recovered").RespondWith(then);
    }

    private static IResponseBuilder Ok() => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(TestApi.EmptyPage);

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_then_retried()
    {
        // Over the wire, on the options' clock: the wait is read from the timer the client starts, not waited out.
        FirstThen(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"), Ok());
        var clock = new Marketplace.Client.Tests.Pipeline.ManualClock();
        using var client = _api.CreateClient(o => o.TimeProvider = clock);

        var call = client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        await Marketplace.Client.Tests.Pipeline.InMemory.EventuallyAsync(
            () => clock.Timers.Any(t => t >= TimeSpan.FromSeconds(1) && t <= TimeSpan.FromSeconds(1.1)), "the client did not wait for Retry-After: 1");
        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
        clock.Advance(TimeSpan.FromSeconds(1.1));
        var page = await call;

        Assert.Equal(0, page.Metadata!.Pagination!.Total);
        Assert.Equal(2, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_is_not_waited_and_surfaces_the_429_with_the_wait_asked_for()
    {
        FirstThen(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120")
            .WithHeader("Content-Type", "application/problem+json").WithBody("""{"title":"Too many requests","status":429,"traceId":"00-abc-def-01"}"""), Ok());
        using var client = _api.CreateClient(o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Contains("wait 120 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the client waited for a Retry-After it would not honour ({clock.Elapsed})");
    }

    [Fact]
    public async Task A_retry_after_beyond_the_time_left_is_not_waited_either()
    {
        FirstThen(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "10"), Ok());
        using var client = _api.CreateClient(o => o.Timeout = TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_persistent_503_gives_up_after_the_configured_attempts_with_the_api_exception()
    {
        _api.Serve(TestApi.InstancesPath, """{"title":"Service Unavailable","status":503}""", 503, "application/problem+json");
        using var client = _api.CreateClient();

        var error = await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal("Service Unavailable", error.Title);
        Assert.Equal(5, _api.RequestCount(TestApi.InstancesPath));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task A_client_error_is_not_retried(int status)
    {
        _api.Serve(TestApi.InstancesPath, "{}", status);
        using var client = _api.CreateClient();

        await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task Retries_can_be_switched_off()
    {
        _api.Serve(TestApi.InstancesPath, "{}", 503);
        using var client = _api.CreateClient(o => o.Retry.Enabled = false);

        await Assert.ThrowsAsync<MarketplaceApiException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_connection_dropped_in_the_middle_of_the_body_is_retried()
    {
        _api.Server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(3)).CutOffNext();
        using var client = _api.CreateClient();

        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(3, page.Metadata!.Pagination!.Total);
        Assert.Equal(3, page.Data!.Count);
        Assert.Equal(2, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_body_that_keeps_being_cut_off_surfaces_as_http_request_exception()
    {
        _api.Server.AddExtensionInstances(TestApi.ExtensionId, TestApi.Instances(3)).CutOffNext().CutOffNext().CutOffNext();
        using var client = _api.CreateClient(o => o.Retry.MaxAttempts = 3);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.StartsWith("Reading the response to GET /public/v1/integration/extensions/EXT-6822-9898-4256/instances failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_surfaces_as_http_request_exception_after_the_retries()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = _api.CreateClient(o =>
        {
            o.BaseUri = new Uri($"http://127.0.0.1:{port}/");
            o.Retry.MaxAttempts = 3;
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.IsType<SocketException>(error.InnerException);
    }

    [Fact]
    public async Task An_attempt_that_takes_too_long_is_retried_then_surfaces_as_timeout_exception()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Ok().WithDelay(TimeSpan.FromSeconds(3)));
        using var client = _api.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.Retry.MaxAttempts = 2;
        });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.ListExtensionInstancesAsync(TestApi.ExtensionId));

        Assert.Contains("did not answer GET /public/v1/integration/extensions/EXT-6822-9898-4256/instances within 0.2 s (attempts: 2)", error.Message, StringComparison.Ordinal);
    }

    // Timeout.InfiniteTimeSpan is how .NET turns a timeout off (HttpClient.Timeout, CancelAfter); TimeSpan.MaxValue is
    // what "no limit" often looks like in configuration. Both are no limit; zero and negative are mistakes.
    public static TheoryData<string, TimeSpan> NoLimits => new()
    {
        { nameof(MarketplaceClientOptions.Timeout), Timeout.InfiniteTimeSpan },
        { nameof(MarketplaceClientOptions.Timeout), TimeSpan.MaxValue },
        { nameof(MarketplaceClientOptions.AttemptTimeout), Timeout.InfiniteTimeSpan },
        { nameof(MarketplaceClientOptions.AttemptTimeout), TimeSpan.MaxValue },
        { nameof(MarketplaceClientOptions.ReadTimeout), Timeout.InfiniteTimeSpan },
        { nameof(MarketplaceClientOptions.ReadTimeout), TimeSpan.MaxValue },
    };

    [Theory]
    [MemberData(nameof(NoLimits))]
    public async Task A_timeout_of_infinite_or_max_value_means_no_limit(string which, TimeSpan value)
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).AtPriority(10).RespondWith(Ok());
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet().WithHeader("MPT-Streaming", "true")).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/jsonl")
                .WithHeader("MPT-Streaming", "true").WithHeader("MPT-Item-Count", "2").WithBody(TestApi.Lines(2)));
        using var client = _api.CreateClient(o => Set(o, which, value));

        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        var streamed = 0;
        await foreach (var _ in client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId)) streamed++;

        Assert.NotNull(page);
        Assert.Equal(2, streamed);
    }

    [Theory]
    [InlineData(nameof(MarketplaceClientOptions.Timeout), 0)]
    [InlineData(nameof(MarketplaceClientOptions.AttemptTimeout), -1000)]
    [InlineData(nameof(MarketplaceClientOptions.ReadTimeout), 0)]
    public void A_timeout_of_zero_or_less_is_refused_naming_it(string which, int milliseconds)
    {
        var error = Assert.Throws<InvalidOperationException>(() => _api.CreateClient(o => Set(o, which, TimeSpan.FromMilliseconds(milliseconds))));

        Assert.Contains(which, error.Message, StringComparison.Ordinal);
    }

    private static void Set(MarketplaceClientOptions options, string which, TimeSpan value)
    {
        switch (which)
        {
            case nameof(MarketplaceClientOptions.Timeout): options.Timeout = value; break;
            case nameof(MarketplaceClientOptions.AttemptTimeout): options.AttemptTimeout = value; break;
            default: options.ReadTimeout = value; break;
        }
    }

    [Fact]
    public async Task Cancellation_stops_waiting_for_a_retry_at_once()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "30"));
        using var client = _api.CreateClient();
        using var cancellation = new CancellationTokenSource();

        var call = client.ListExtensionInstancesAsync(TestApi.ExtensionId, cancellationToken: cancellation.Token);
        var waited = Stopwatch.StartNew();
        while (_api.RequestCount(TestApi.InstancesPath) == 0 && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        await Task.Delay(100);
        cancellation.Cancel();

        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.Same(call, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task Only_idempotent_requests_are_retried()
    {
        _api.WireMock.Given(Request.Create().WithPath("/post").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        using var client = _api.CreateClient();
        using var transport = new SocketsHttpHandler();
        var options = new MarketplaceClientOptions { Token = TestApi.Token, Transport = transport, Retry = { BaseDelay = TimeSpan.FromMilliseconds(1) } };
        using var http = new HttpClient(Marketplace.Client.Http.MarketplaceHttp.CreatePipeline(options, null));

        using var response = await http.PostAsync(new Uri(_api.BaseUri, "post"), new StringContent("{}"));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, _api.RequestCount("/post"));
    }
}
