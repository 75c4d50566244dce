using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Newtonsoft.Json;

namespace Marketplace.Client.Benchmarks;

/// <summary>
/// Parsing one 100-item page: the client's own path (MarketplaceClient.ReadAsync, as every call uses it)
/// against a hand-written Newtonsoft streaming read into the same DTOs (the baseline: the floor for Newtonsoft)
/// and System.Text.Json with a source-generated context into equivalent POCOs (the .NET floor).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ParseBenchmarks
{
    private readonly JsonSerializer _newtonsoft = JsonSerializer.CreateDefault();
    private readonly ClientReader _client = new();
    private byte[] _instances = null!;
    private byte[] _installations = null!;

    [GlobalSetup]
    public void Setup()
    {
        _instances = Pages.Instances(0, 100, 100);
        _installations = Pages.Installations(0, 100, 100);
        System.Console.WriteLine($"// page sizes: instances {_instances.Length:N0} B ({_instances.Length / 100:N0} B/item), installations {_installations.Length:N0} B ({_installations.Length / 100:N0} B/item)");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Instance page")]
    public InstanceListResponse? HandWrittenNewtonsoft_Instances() => Read<InstanceListResponse>(_instances);

    [Benchmark, BenchmarkCategory("Instance page")]
    public Task<InstanceListResponse> Client_Instances() => _client.ReadAsync<InstanceListResponse>(_instances);

    [Benchmark, BenchmarkCategory("Instance page")]
    public StjInstanceListResponse? SystemTextJsonSourceGen_Instances() =>
        System.Text.Json.JsonSerializer.Deserialize(new MemoryStream(_instances), StjContext.Default.StjInstanceListResponse);

    [Benchmark(Baseline = true), BenchmarkCategory("Installation page")]
    public InstallationListResponse? HandWrittenNewtonsoft_Installations() => Read<InstallationListResponse>(_installations);

    [Benchmark, BenchmarkCategory("Installation page")]
    public Task<InstallationListResponse> Client_Installations() => _client.ReadAsync<InstallationListResponse>(_installations);

    [Benchmark, BenchmarkCategory("Installation page")]
    public StjInstallationListResponse? SystemTextJsonSourceGen_Installations() =>
        System.Text.Json.JsonSerializer.Deserialize(new MemoryStream(_installations), StjContext.Default.StjInstallationListResponse);

    private T? Read<T>(byte[] body)
    {
        using var reader = new JsonTextReader(new StreamReader(new MemoryStream(body)));
        return _newtonsoft.Deserialize<T>(reader);
    }

    /// <summary>The client's own read of a 200 (internal MarketplaceClient.ReadAsync): exactly what every operation runs.</summary>
    private sealed class ClientReader
    {
        public async Task<T> ReadAsync<T>(byte[] body)
            where T : class
        {
            using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
            return await MarketplaceClient.ReadAsync<T>(response, default).ConfigureAwait(false);
        }
    }
}
