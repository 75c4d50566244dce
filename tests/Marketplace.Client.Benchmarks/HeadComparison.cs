using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// The client's listing paths, for one run that measures two builds of the library side by side: this checkout and a
/// previous one (a <c>git worktree</c> of another commit), so that a change to the request path is reported as ratios
/// against the head before it, measured in the same run on the same machine.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/Marketplace.Client.Benchmarks -- compare /path/to/previous/checkout</c>. Each
/// job builds this project with <c>MarketplaceClientProject</c> pointing at one checkout's library; the previous one is
/// the baseline. Only the public API is used, so any two heads with the same operations compile.
/// </remarks>
public class HeadComparison
{
    private const int Total = 10_000;
    private const int PageSize = 100;

    private PageServer _server = null!;
    private MarketplaceClient _client = null!;
    private MarketplaceClient _sequential = null!;

    [Params(0, 20)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var pages = Enumerable.Range(0, Total / PageSize).Select(p => Pages.Instances(p * PageSize, PageSize, Total)).ToArray();
        var lines = Enumerable.Range(0, Total / PageSize).Select(c => Pages.InstanceLines(c * PageSize, PageSize)).ToArray();
        _server = await PageServer.StartAsync((offset, _) => pages[offset / PageSize], TimeSpan.FromMilliseconds(LatencyMs), streamTotal: Total, streamChunk: c => lines[c]);
        _client = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = _server.BaseUri, Token = "idt:TKN-1234-5678:bench" });
        _sequential = new MarketplaceClient(new MarketplaceClientOptions { BaseUri = _server.BaseUri, Token = "idt:TKN-1234-5678:bench", PrefetchPages = 1 });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        _sequential.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark]
    public async Task<int> ListAll()
    {
        var count = 0;
        await foreach (var _ in _client.ListAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    [Benchmark]
    public async Task<int> ListAll_Sequential()
    {
        var count = 0;
        await foreach (var _ in _sequential.ListAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    [Benchmark]
    public async Task<int> StreamAll()
    {
        var count = 0;
        await foreach (var _ in _client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId)) count++;
        return Check(count);
    }

    private static int Check(int count) => count == Total ? count : throw new InvalidOperationException($"Listed {count} items, not {Total}.");

    /// <summary>Runs the comparison: the checkout at <paramref name="previousCheckout"/> as the baseline job, this one beside it.</summary>
    public static int Run(string previousCheckout)
    {
        var previous = Path.GetFullPath(Path.Combine(previousCheckout, "src", "Marketplace.Client", "Marketplace.Client.csproj"));
        if (!File.Exists(previous))
        {
            Console.Error.WriteLine($"No library project at {previous}.");
            return 2;
        }
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(20);
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job.WithArguments(new Argument[] { new MsBuildArgument($"/p:MarketplaceClientProject={previous}") }).WithId("previous").AsBaseline())
            .AddJob(job.WithId("this-head"))
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            // The two jobs build this one project with different references: one after the other, never in the same obj/ at once.
            .WithOptions(ConfigOptions.DisableParallelBuild);
        BenchmarkRunner.Run<HeadComparison>(config);
        return 0;
    }
}
