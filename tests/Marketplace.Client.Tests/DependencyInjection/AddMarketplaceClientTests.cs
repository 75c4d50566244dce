using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Marketplace.Client.Tests.DependencyInjection;

public class AddMarketplaceClientTests : IDisposable
{
    private const string Page = """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-6587-4477-5207-8032","status":"Running"}]}""";

    private readonly TestApi _api = new();
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _api.Dispose();

    private ServiceProvider Services(Action<MarketplaceClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        services.AddMarketplaceClient(configure);
        return services.BuildServiceProvider();
    }

    private void Configure(MarketplaceClientOptions options)
    {
        options.BaseUri = _api.BaseUri;
        options.Token = TestApi.Token;
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public async Task The_registered_client_pages_authenticates_and_logs_without_the_token()
    {
        _api.Serve(TestApi.InstancesPath, Page);
        using var services = Services(Configure);

        var client = services.GetRequiredService<IMarketplaceClient>();
        var ids = new System.Collections.Generic.List<string>();
        await foreach (var instance in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) ids.Add(instance.Id!);

        Assert.Equal(new[] { "INS-6587-4477-5207-8032" }, ids);
        var request = _api.WireMock.LogEntries.Single().RequestMessage!;
        Assert.Equal("Bearer " + TestApi.Token, request.Headers!["Authorization"].Single());
        Assert.StartsWith("Marketplace.Client/", request.Headers["User-Agent"].Single(), StringComparison.Ordinal);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Marketplace.Client Debug GET /public/v1/integration/extensions/EXT-6822-9898-4256/instances answered 200 in ", StringComparison.Ordinal) && l.EndsWith("(attempt 1)", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compressed_responses_are_read_on_the_registered_client_as_on_the_options_client()
    {
        byte[] gzip;
        using (var buffer = new System.IO.MemoryStream())
        {
            using (var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                zip.Write(System.Text.Encoding.UTF8.GetBytes(Page));
            gzip = buffer.ToArray();
        }
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithHeader("Content-Encoding", "gzip").WithBody(gzip));
        using var services = Services(Configure);
        using var direct = _api.CreateClient();

        var viaDi = await services.GetRequiredService<IMarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId);
        var viaOptions = await direct.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal("INS-6587-4477-5207-8032", viaDi.Data!.Single().Id);
        Assert.Equal("INS-6587-4477-5207-8032", viaOptions.Data!.Single().Id);
        Assert.All(_api.WireMock.LogEntries, e => Assert.Contains("gzip", e.RequestMessage!.Headers!["Accept-Encoding"].Single(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registering_twice_adds_options_never_a_second_pipeline()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        var services = new ServiceCollection();
        services.AddMarketplaceClient(Configure);              // a library
        services.AddMarketplaceClient(o => o.Retry.MaxAttempts = 3); // the application
        using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<MarketplaceApiException>(() => provider.GetRequiredService<IMarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId));

        // 3 attempts: one retry pipeline. Nested pipelines made it 9.
        Assert.Equal(3, _api.RequestCount(TestApi.InstancesPath));
    }

    [Fact]
    public async Task A_token_reloaded_from_configuration_is_used_from_the_next_request()
    {
        _api.Serve(TestApi.InstancesPath, Page);
        var token = "idt:TKN-1111-1111:first";
        var services = new ServiceCollection();
        services.AddMarketplaceClient(Configure);
        services.Configure<MarketplaceClientOptions>(o => o.Token = token);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IMarketplaceClient>();

        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        token = "idt:TKN-2222-2222:second";
        // What a configuration reload does: the monitor's cached value is dropped and computed again.
        provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitorCache<MarketplaceClientOptions>>().TryRemove(Microsoft.Extensions.Options.Options.DefaultName);
        await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(new[] { "Bearer idt:TKN-1111-1111:first", "Bearer idt:TKN-2222-2222:second" },
            _api.WireMock.LogEntries.Select(e => e.RequestMessage!.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task Retries_are_logged_as_warnings()
    {
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("s").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(503));
        _api.WireMock.Given(Request.Create().WithPath(TestApi.InstancesPath).UsingGet()).InScenario("s").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Page));
        using var services = Services(Configure);

        await services.GetRequiredService<MarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Contains(_logs.Lines, l => l.StartsWith("Marketplace.Client Warning GET /public/v1/integration/extensions/EXT-6822-9898-4256/instances failed on attempt 1 (503); retrying in ", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_options_fail_when_the_client_is_resolved()
    {
        using var services = Services(o =>
        {
            Configure(o);
            o.Token = " ";
        });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IMarketplaceClient>());

        Assert.Contains("No Marketplace API token", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.WireMock.LogEntries);
    }

    [Fact]
    public async Task The_page_size_option_reaches_registered_clients()
    {
        _api.Serve(TestApi.InstancesPath, Page);
        using var services = Services(o =>
        {
            Configure(o);
            o.PageSize = 10;
        });

        await foreach (var _ in services.GetRequiredService<MarketplaceClient>().ListAllExtensionInstancesAsync(TestApi.ExtensionId)) { }

        Assert.Equal("10", _api.WireMock.LogEntries.Single().RequestMessage!.Query!["limit"].Single());
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Queue { get; } = new();

        public string[] Lines => Queue.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Queue);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)}");
        }
    }
}
