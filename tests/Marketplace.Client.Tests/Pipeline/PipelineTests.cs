using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// The whole pipeline over an in-memory transport (<see cref="MarketplaceClientOptions.Transport"/>): the caller's
/// handlers run where <see cref="MarketplaceHandlerPosition"/> says, the transport is the caller's to dispose, the clock
/// is the options' one, the IHttpClientFactory registration builds the same chain, and a <c>ListAll…Async</c> reaches the
/// transport through at most 8 of the library's frames (issue 20).
/// </summary>
public sealed class PipelineTests
{
    private const string Page = """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-6587-4477-5207-8032","status":"Running"}]}""";

    internal static HttpResponseMessage Json(int status = 200, string body = Page) =>
        new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    internal static MarketplaceClientOptions Options(HttpMessageHandler transport) => new()
    {
        BaseUri = new Uri("https://api.test/"),
        Token = "idt:TKN-1234-5678:s3cr3t",
        Transport = transport,
        Retry = { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) },
    };

    /// <summary>Counts what passes it and notes, for a response, whether its body was already read when it came up.</summary>
    private sealed class Counting : DelegatingHandler
    {
        private readonly ConcurrentQueue<string> _log;
        private readonly string _name;

        public Counting(ConcurrentQueue<string> log, string name)
        {
            _log = log;
            _name = name;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _log.Enqueue($"{_name} {(request.Headers.Authorization is null ? "without" : "with")} token");
            var response = await base.SendAsync(request, cancellationToken);
            _log.Enqueue($"{_name} got {(int)response.StatusCode}");
            return response;
        }
    }

    [Fact]
    public async Task Per_call_handlers_see_the_call_once_and_per_retry_handlers_see_every_attempt()
    {
        var log = new ConcurrentQueue<string>();
        var transport = new FakeInner((_, n, _) => Task.FromResult(n == 1 ? Json(503, "{}") : Json()));
        var options = Options(transport)
            .AddHandler(() => new Counting(log, "call"), MarketplaceHandlerPosition.PerCall)
            .AddHandler(() => new Counting(log, "attempt"), MarketplaceHandlerPosition.PerRetry);
        using var client = new MarketplaceClient(options);

        var page = await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.Equal(1, page.Metadata!.Pagination!.Total);
        Assert.Equal(
            new[] { "call with token", "attempt with token", "attempt got 503", "attempt with token", "attempt got 200", "call got 200" },
            log.ToArray());
        Assert.Equal(2, transport.Count);
    }

    [Fact]
    public async Task The_transport_is_the_callers_and_outlives_the_client()
    {
        var transport = new DisposalTracking(_ => Json());
        using (var client = new MarketplaceClient(Options(transport)))
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        using (var client = new MarketplaceClient(Options(transport)))
            await client.ListExtensionInstancesAsync(TestApi.ExtensionId);

        Assert.False(transport.Disposed);
        Assert.Equal(2, transport.Sent);
    }

    [Fact]
    public void A_handler_factory_must_make_a_new_handler_each_time()
    {
        var shared = new Counting(new ConcurrentQueue<string>(), "shared") { InnerHandler = new HttpClientHandler() };
        var options = Options(new FakeInner((_, _, _) => Task.FromResult(Json()))).AddHandler(() => shared, MarketplaceHandlerPosition.PerCall);

        var error = Assert.Throws<InvalidOperationException>(() => new MarketplaceClient(options));

        Assert.Contains("must make a new handler each time", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => options.AddHandler(null!, MarketplaceHandlerPosition.PerCall));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.AddHandler(() => new Counting(new(), "x"), (MarketplaceHandlerPosition)7));
    }

    [Fact]
    public async Task The_registered_client_builds_the_same_chain_over_the_transport_and_never_disposes_it()
    {
        var log = new ConcurrentQueue<string>();
        var transport = new DisposalTracking(n => n == 1 ? Json(503, "{}") : Json());
        var services = new ServiceCollection();
        services.AddMarketplaceClient(o =>
        {
            o.BaseUri = new Uri("https://api.test/");
            o.Token = "idt:TKN-1234-5678:s3cr3t";
            o.Transport = transport;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
            o.AddHandler(() => new Counting(log, "call"), MarketplaceHandlerPosition.PerCall);
            o.AddHandler(() => new Counting(log, "attempt"), MarketplaceHandlerPosition.PerRetry);
        });

        using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IMarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId);
            await provider.GetRequiredService<IMarketplaceClient>().ListExtensionInstancesAsync(TestApi.ExtensionId);
        }
        // What the factory disposes when it recycles a chain (after its handler lifetime, at least a second) is the
        // bottom the registration gave it: disposing that leaves the caller's transport usable.
        Marketplace.Client.Http.MarketplaceHttp.CreateTransport(new MarketplaceClientOptions { Transport = transport }).Dispose();

        Assert.Equal(
            new[] { "call with token", "attempt with token", "attempt got 503", "attempt with token", "attempt got 200", "call got 200" },
            log.Take(6).ToArray());
        Assert.Equal(3, transport.Sent);
        Assert.False(transport.Disposed);
    }

    [Fact]
    public async Task Waits_are_read_from_the_options_clock_so_a_test_moves_time_instead_of_waiting()
    {
        var clock = new ManualClock();
        var transport = new FakeInner((_, n, _) =>
        {
            var response = Json(n == 1 ? 429 : 200, n == 1 ? "{}" : Page);
            if (n == 1) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
            return Task.FromResult(response);
        }, clock);
        var options = Options(transport);
        options.TimeProvider = clock;
        using var client = new MarketplaceClient(options);

        var call = client.ListExtensionInstancesAsync(TestApi.ExtensionId);
        // Timer 0 is the first attempt's timeout; the retry's wait is the next one.
        await InMemory.EventuallyAsync(() => clock.Timers.Any(t => t >= TimeSpan.FromSeconds(30) && t <= TimeSpan.FromSeconds(31)), $"no 30 s wait was started ({clock.Timers.Joined()})");
        clock.Advance(TimeSpan.FromSeconds(31));
        var page = await call;

        Assert.Equal(1, page.Metadata!.Pagination!.Total);
        Assert.True(transport.Calls[1].At - transport.Calls[0].At >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_listing_reaches_the_transport_through_at_most_eight_library_frames()
    {
        StackTrace? atTransport = null;
        var transport = new FakeInner((_, _, _) =>
        {
            atTransport ??= new StackTrace();
            return Task.FromResult(Json());
        });
        using var client = new MarketplaceClient(Options(transport));

        await foreach (var _ in client.ListAllExtensionInstancesAsync(TestApi.ExtensionId)) { }

        var frames = LibraryFrames(atTransport!);
        Assert.True(frames.Count <= 8, $"{frames.Count} library frames between the caller and the transport: {string.Join(" > ", frames)}");
        // Every handler of the chain is on the way: the count is of a real path, not of one that skipped the pipeline.
        foreach (var handler in new[] { "BearerTokenHandler", "RetryHandler", "TracingHandler", "BufferingHandler", "RedirectHandler" })
            Assert.Contains(frames, f => f.StartsWith(handler + ".", StringComparison.Ordinal));
    }

    // The frames of Marketplace.Client itself, outermost first, as a person stepping through would count them: an async
    // method's state machine (<M>d__N.MoveNext) is its method M, one method is one frame, and the compiler's stub for a
    // base call from an async method (<>n__N, hidden from debuggers) is part of the method that makes the call.
    internal static List<string> LibraryFrames(StackTrace trace)
    {
        var library = typeof(MarketplaceClient).Assembly;
        var frames = new List<string>();
        foreach (var frame in trace.GetFrames().Reverse())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (type is null || type.Assembly != library) continue;
            var owner = type;
            var name = method!.Name;
            if (name.StartsWith("<>n__", StringComparison.Ordinal)) continue;
            var machine = Regex.Match(type.Name, "^<(?<method>[^>]+)>d__");
            if (machine.Success)
            {
                name = machine.Groups["method"].Value;
                owner = type.DeclaringType ?? type;
            }
            var shown = Regex.Replace(owner.Name, "`\\d+$", "") + "." + name;
            if (frames.Count == 0 || frames[^1] != shown) frames.Add(shown);
        }
        return frames;
    }

    /// <summary>A transport that answers in memory and says whether anyone disposed it.</summary>
    private sealed class DisposalTracking : HttpMessageHandler
    {
        private readonly Func<int, HttpResponseMessage> _answer;
        private int _sent;

        public DisposalTracking(Func<int, HttpResponseMessage> answer) => _answer = answer;

        public bool Disposed { get; private set; }

        public int Sent => _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(Disposed, this);
            return Task.FromResult(_answer(Interlocked.Increment(ref _sent)));
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
