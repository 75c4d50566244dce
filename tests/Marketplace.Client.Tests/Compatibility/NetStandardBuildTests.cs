using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Marketplace.Client.Tests.Compatibility;

/// <summary>
/// The netstandard2.0 build (what .NET Framework services get) has code paths of its own: HttpClientHandler instead
/// of SocketsHttpHandler, and a body read that is cancelled by disposing the response. Every other test runs the
/// net10.0 build, so this one loads the netstandard2.0 assembly into its own load context and drives it by reflection.
/// </summary>
public sealed class NetStandardBuildTests : IDisposable
{
    private readonly TestApi _api = new();

    public void Dispose() => _api.Dispose();

    private static string Metadata(string key) => typeof(NetStandardBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    // Loaded once and kept: a collectible context whose object the GC collects mid-test starts unloading, and the
    // next dependency it resolves fails with "AssemblyLoadContext is unloading" (seen under a loaded CI machine).
    private static readonly Lazy<Assembly> NetStandardBuild = new(Load);

    private static Assembly LoadNetStandardBuild() => NetStandardBuild.Value;

    private static Assembly Load()
    {
        var library = Metadata("NetStandardLibrary");
        Assert.True(File.Exists(library), $"The netstandard2.0 build is missing: {library}");
        var context = new AssemblyLoadContext("netstandard2.0 build", isCollectible: false);
        // The netstandard2.0 build's polyfill packages, in the builds that forward to the runtime's own types
        // (IAsyncEnumerable, TimeProvider), as a .NET 10 application would resolve them.
        context.Resolving += (ctx, name) => name.Name switch
        {
            "Microsoft.Bcl.AsyncInterfaces" => ctx.LoadFromAssemblyPath(Path.Combine(Metadata("NuGetPackageRoot"), "microsoft.bcl.asyncinterfaces", name.Version!.ToString(3), "lib", "netstandard2.1", "Microsoft.Bcl.AsyncInterfaces.dll")),
            "Microsoft.Bcl.TimeProvider" => ctx.LoadFromAssemblyPath(Path.Combine(Metadata("NuGetPackageRoot"), "microsoft.bcl.timeprovider", name.Version!.ToString(3), "lib", "net8.0", "Microsoft.Bcl.TimeProvider.dll")),
            _ => null,
        };
        var assembly = context.LoadFromAssemblyPath(library);
        Assert.Equal(".NETStandard,Version=v2.0", assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName);
        return assembly;
    }

    private static IDisposable CreateClient(Assembly assembly, Uri baseUri, TimeSpan attemptTimeout)
    {
        var optionsType = assembly.GetType("Marketplace.Client.MarketplaceClientOptions")!;
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("BaseUri")!.SetValue(options, baseUri);
        optionsType.GetProperty("Token")!.SetValue(options, TestApi.Token);
        optionsType.GetProperty("AttemptTimeout")!.SetValue(options, attemptTimeout);
        var retry = optionsType.GetProperty("Retry")!.GetValue(options)!;
        retry.GetType().GetProperty("MaxAttempts")!.SetValue(retry, 2);
        retry.GetType().GetProperty("BaseDelay")!.SetValue(retry, TimeSpan.FromMilliseconds(10));
        var clientType = assembly.GetType("Marketplace.Client.MarketplaceClient")!;
        return (IDisposable)clientType.GetConstructor(new[] { optionsType, typeof(Microsoft.Extensions.Logging.ILoggerFactory) })!.Invoke(new object?[] { options, null });
    }

    [Fact]
    public async Task Lists_pages_through_the_netstandard_build()
    {
        _api.Serve(TestApi.InstancesPath, """{"$meta":{"pagination":{"offset":0,"limit":100,"total":2}},"data":[{"id":"INS-1","status":"Running"},{"id":"INS-2","status":"Suspended"}]}""");
        using var client = CreateClient(LoadNetStandardBuild(), _api.BaseUri, TimeSpan.FromSeconds(60));

        var listAll = client.GetType().GetMethod("ListAllExtensionInstancesAsync")!;
        var pageable = (IAsyncEnumerable<object>)listAll.Invoke(client, new object?[] { TestApi.ExtensionId, null, CancellationToken.None })!;
        var seen = new List<string>();
        await foreach (var instance in pageable)
            seen.Add($"{instance.GetType().GetProperty("Id")!.GetValue(instance)} {instance.GetType().GetProperty("Status")!.GetValue(instance)}");

        Assert.Equal(new[] { "INS-1 Running", "INS-2 Suspended" }, seen);
        Assert.StartsWith("Marketplace.Client/", _api.WireMock.LogEntries.Single().RequestMessage!.Headers!["User-Agent"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_stalls_times_out_through_the_netstandard_build()
    {
        using var stalling = TestApi.Scripted(
            (_, _) => Task.FromResult(System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":[")),
            stallAfterResponse: true);
        using var client = CreateClient(LoadNetStandardBuild(), stalling.BaseUri, TimeSpan.FromMilliseconds(300));

        var call = (Task)client.GetType().GetMethod("ListExtensionInstancesAsync", new[] { typeof(string), typeof(int?), typeof(int?), typeof(CancellationToken) })!
            .Invoke(client, new object?[] { TestApi.ExtensionId, null, null, CancellationToken.None })!;

        // Bounded, not prompt: on .NET 10 disposing the response ends the stalled read after about 2 s per attempt
        // (the net10.0 build cancels the read itself and ends in about 0.3 s).
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(call, finished);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Contains("(attempts: 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_netstandard_build_traces_its_own_attempts_and_sends_their_trace_context()
    {
        // On .NET Framework there is no runtime span per attempt: the build's own attempt span is the HTTP client span.
        _api.Serve(TestApi.InstancesPath, """{"$meta":{"pagination":{"offset":0,"limit":100,"total":1}},"data":[{"id":"INS-1"}]}""");
        using var client = CreateClient(LoadNetStandardBuild(), _api.BaseUri, TimeSpan.FromSeconds(60));
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Marketplace.Client",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var call = (Task)client.GetType().GetMethod("ListExtensionInstancesAsync", new[] { typeof(string), typeof(int?), typeof(int?), typeof(CancellationToken) })!
            .Invoke(client, new object?[] { TestApi.ExtensionId, 100, 0, CancellationToken.None })!;
        await call;

        var traceparent = _api.WireMock.LogEntries.Single().RequestMessage!.Headers!["traceparent"].Single();
        var attempt = Assert.Single(stopped, a => $"00-{a.TraceId}-{a.SpanId}-01" == traceparent);
        Assert.Equal(System.Diagnostics.ActivityKind.Client, attempt.Kind);
        Assert.Equal(200, attempt.GetTagItem("http.response.status_code"));
        var operation = Assert.Single(stopped, a => a.SpanId == attempt.ParentSpanId);
        Assert.Equal("ListExtensionInstances", operation.DisplayName);
        Assert.Equal(1, operation.GetTagItem("marketplace.page.item_count"));
    }
}
