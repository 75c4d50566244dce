using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;
using Marketplace.Client.Testing;
using Marketplace.Client.Tests.Diagnostics;
using Xunit;

namespace Marketplace.Client.Tests.Pipeline;

/// <summary>
/// A request is one object from the public method to the wire (issue 20): its query, operation and mode ride on it, never
/// on ambient state that a call made from inside another call (a token provider listing installations during a filtered
/// listing) would inherit. Run with and without a listener: the leak this replaces only showed without one.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class RequestCarriesItsStateTests : IAsyncLifetime
{

    private MarketplaceTestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = MarketplaceTestServer.Start();
        _server.AddExtensionInstances(TestApi.ExtensionId, Enumerable.Range(0, 3).Select(i => new Instance { Id = $"INS-6587-4477-5207-{i:D4}", Name = "node-" + i }));
        _server.AddInstallations(TestApi.ExtensionId, new[] { new Installation { Id = "EXI-1234-5678-0001" } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A provider that, before it hands out the token, lists installations with a client of its own and no query.</summary>
    private sealed class ListingProvider : IMarketplaceTokenProvider
    {
        private readonly MarketplaceClient _inner;

        public ListingProvider(MarketplaceClient inner) => _inner = inner;

        public int Calls { get; private set; }

        public async ValueTask<MarketplaceAccessToken> GetTokenAsync(MarketplaceTokenRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            await _inner.ListInstallationsAsync(TestApi.ExtensionId, cancellationToken: cancellationToken);
            await foreach (var _ in _inner.ListAllInstallationsAsync(TestApi.ExtensionId, cancellationToken: cancellationToken)) { }
            return new MarketplaceAccessToken(MarketplaceTestServer.Token);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_call_made_inside_a_filtered_listing_goes_out_without_the_listings_query(bool listening)
    {
        using var telemetry = listening ? new TelemetryCapture() : null;
        using var inner = _server.CreateClient();
        var provider = new ListingProvider(inner);
        using var outer = _server.CreateClient(o => o.TokenProvider = provider);

        var query = RqlQuery.Where(Rql.Eq("name", "node-1"));
        var listed = new List<Instance>();
        await foreach (var instance in outer.ListAllExtensionInstancesAsync(TestApi.ExtensionId, query)) listed.Add(instance);
        await outer.ListExtensionInstancesAsync(TestApi.ExtensionId, query, limit: 5);

        Assert.Equal(1, provider.Calls);
        var installations = _server.Requests.Where(r => r.Path.EndsWith("/installations", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, installations.Count);
        Assert.All(installations, r => Assert.Null(r.Filter));
        Assert.All(installations, r => Assert.DoesNotContain("node-1", r.Query, StringComparison.Ordinal));
        var instances = _server.Requests.Where(r => r.Path.EndsWith("/instances", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, instances.Count);
        Assert.All(instances, r => Assert.Contains("node-1", r.Filter, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pages_requested_ahead_and_a_stream_each_carry_their_own_query_however_they_interleave()
    {
        using var client = _server.CreateClient(o => o.PageSize = 1);
        var running = RqlQuery.Where(Rql.Eq("name", "node-0"));
        var stopped = RqlQuery.Where(Rql.Eq("name", "node-2"));
        var first = Drain(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId, running));
        var second = Drain(client.StreamAllExtensionInstancesAsync(TestApi.ExtensionId, stopped));
        var third = Drain(client.ListAllExtensionInstancesAsync(TestApi.ExtensionId));
        await Task.WhenAll(first, second, third);

        var instances = _server.Requests.Where(r => r.Path.EndsWith("/instances", StringComparison.Ordinal)).ToList();
        Assert.Contains(instances, r => r.Filter?.Contains("node-0", StringComparison.Ordinal) == true && !r.IsStreaming);
        Assert.Contains(instances, r => r.Filter?.Contains("node-2", StringComparison.Ordinal) == true && r.IsStreaming);
        Assert.DoesNotContain(instances, r => r.Filter?.Contains("node-0", StringComparison.Ordinal) == true && r.IsStreaming);
        Assert.Contains(instances, r => r.Filter is null);
        // The unfiltered listing pages through every seeded instance one by one: none of its pages took another's query.
        Assert.Equal(3, instances.Count(r => r.Filter is null && r.Limit == 1));
    }

    private static async Task Drain<T>(IAsyncEnumerable<T> items)
    {
        await Task.Yield();
        await foreach (var _ in items) { }
    }

    // A static field that is not readonly: `static int _count;`, `private static Query? _pending = null;` (not a method,
    // property, class, constant or readonly field).
    private static readonly Regex MutableStaticField = new(@"\bstatic\s+(?!readonly\b|class\b|partial\b|async\b|void\b|extern\b)[\w<>\[\]?,.]+(\s*<[^>]*>)?\??\s+_?\w+\s*(=(?!>)|;)");

    // The rule itself, held over the source: the request state that once travelled beside the request cannot come back.
    [Fact]
    public void No_request_state_lives_outside_the_request_in_the_library_source()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Marketplace.Client");
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin")))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                if (line.Contains("AsyncLocal", StringComparison.Ordinal)
                    || line.Contains("ThreadLocal", StringComparison.Ordinal)
                    || Regex.IsMatch(line, @"Activity\.Current\s*=[^=]")
                    || MutableStaticField.IsMatch(line) && !line.Contains(" operator ", StringComparison.Ordinal))
                    offences.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {line.Trim()}");
            }
        }
        Assert.True(offences.Count == 0, "Request state outside the request:\n" + string.Join("\n", offences));
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "")
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Marketplace.Client.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found above " + here);
    }
}
