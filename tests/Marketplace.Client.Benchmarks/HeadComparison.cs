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
public class HeadComparison : ListingFixture
{
    /// <summary>The delay of every response, in milliseconds.</summary>
    [Params(0, 20)]
    public int LatencyMs { get; set; }

    /// <summary>Starts the server and the clients.</summary>
    [GlobalSetup]
    public Task SetupAsync() => StartAsync(TimeSpan.FromMilliseconds(LatencyMs));

    /// <summary>Stops them.</summary>
    [GlobalCleanup]
    public Task CleanupAsync() => StopAsync();

    /// <summary>ListAllExtensionInstancesAsync with the default paging.</summary>
    [Benchmark]
    public Task<int> ListAll() => CountAsync(Client.ListAllExtensionInstancesAsync(PageServer.ExtensionId));

    /// <summary>ListAllExtensionInstancesAsync one page at a time.</summary>
    [Benchmark]
    public Task<int> ListAll_Sequential() => CountAsync(Sequential.ListAllExtensionInstancesAsync(PageServer.ExtensionId));

    /// <summary>StreamAllExtensionInstancesAsync.</summary>
    [Benchmark]
    public Task<int> StreamAll() => CountAsync(Client.StreamAllExtensionInstancesAsync(PageServer.ExtensionId));

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
