using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Tests.Contract;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Client.Tests.Readme;

/// <summary>
/// README.md's C# blocks, taken from the README itself: each compiles as written (as the body of a method that
/// provides <c>cancellationToken</c>, <c>services</c> and <c>configuration</c>; a block that uses <c>client</c> without
/// creating it continues the first block), and runs against the recorded responses with the real base URI and the
/// placeholder token swapped for the test's.
/// </summary>
public class ReadmeExamplesTests : IClassFixture<TestApi.Recorded>
{
    private const string RealBaseUri = "new Uri(\"https://api.platform.softwareone.com\")";
    private const string PlaceholderToken = "\"idt:TKN-…\"";

    private static readonly Lazy<IReadOnlyList<string>> Blocks = new(() =>
        Regex.Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md")), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToList());

    private readonly TestApi.Recorded _api;

    public ReadmeExamplesTests(TestApi.Recorded api) => _api = api;

    [Fact]
    public void The_readme_has_the_usage_and_registration_examples()
    {
        Assert.True(Blocks.Value.Count >= 2, $"README.md has {Blocks.Value.Count} C# blocks");
        Assert.Contains(RealBaseUri, Blocks.Value[0], StringComparison.Ordinal);
        Assert.Contains(PlaceholderToken, Blocks.Value[0], StringComparison.Ordinal);
        Assert.Contains(Blocks.Value, b => b.Contains("StreamAll", StringComparison.Ordinal));
        Assert.NotNull(Registration);
    }

    [Fact]
    public void Every_block_compiles_as_written()
    {
        foreach (var (block, index) in Blocks.Value.Select((b, i) => (b, i)))
            Compile(Continued(block), $"README block {index + 1}");
    }

    // A block that goes on with the first block's client (the streaming example) is compiled after it.
    private static string Continued(string block) =>
        block.Contains("client.", StringComparison.Ordinal) && !block.Contains("var client", StringComparison.Ordinal)
            ? Blocks.Value[0] + "\n" + block
            : block;

    private static string Registration => Blocks.Value.Single(b => b.Contains("AddMarketplaceClient", StringComparison.Ordinal));

    [Fact]
    public async Task The_usage_example_runs_against_the_recordings()
    {
        var code = Blocks.Value[0].Replace(RealBaseUri, "testBaseUri", StringComparison.Ordinal).Replace(PlaceholderToken, "testToken", StringComparison.Ordinal);

        var lines = await RunAsync(Compile(code, "README block 1"), "idt:TKN-1234-5678:readme");
        Assert.Contains("INS-6587-4477-5207-8032 is running", lines, StringComparison.Ordinal);
        Assert.Contains("EXI-9262-9354-9841 in ", lines, StringComparison.Ordinal);
        Assert.Contains("3 installations from offset 0 of 3", lines, StringComparison.Ordinal);
        Assert.Contains("(trace id ", lines, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registration_example_registers_the_client_with_its_options()
    {
        var run = Compile(Registration, "README registration block");
        var services = new ServiceCollection();
        services.AddLogging();

        await (Task)run.Invoke(null, new object?[] { _api.BaseUri, "unused", services, new Dictionary<string, string?> { ["Marketplace:Token"] = "idt:TKN-1234-5678:readme" }, CancellationToken.None })!;

        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<IMarketplaceClient>());
        var options = provider.GetRequiredService<IOptions<MarketplaceClientOptions>>().Value;
        Assert.Equal(3, options.Retry.MaxAttempts);
        Assert.Equal("idt:TKN-1234-5678:readme", options.Token);
    }

    [Fact]
    public async Task The_test_server_example_runs_and_shows_the_retried_failure_and_the_filter()
    {
        var run = Compile(Blocks.Value.First(b => b.Contains("MarketplaceTestServer.Start()", StringComparison.Ordinal)), "README test server block");

        var output = await RunAsync(run, "unused");

        Assert.Equal(
            new[]
            {
                "INS-6587-4477-5207-8032: Running",
                "503 /public/v1/integration/extensions/EXT-6822-9898-4256/instances?eq(status,\"Running\")",
                "200 /public/v1/integration/extensions/EXT-6822-9898-4256/instances?eq(status,\"Running\")",
            },
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // Runs a compiled block against the recordings and returns what it wrote to the console.
    private async Task<string> RunAsync(MethodInfo run, string token)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await (Task)run.Invoke(null, new object?[] { _api.BaseUri, token, new ServiceCollection(), new Dictionary<string, string?>(), CancellationToken.None })!;
        }
        finally
        {
            Console.SetOut(console);
        }
        return output.ToString();
    }

    // The block's using directives go to the top of a file; the rest becomes the body of
    // Run(testBaseUri, testToken, services, configuration, cancellationToken).
    private static MethodInfo Compile(string block, string name)
    {
        var lines = block.Split('\n');
        var usings = lines.Where(l => Regex.IsMatch(l, @"^using [A-Za-z][\w.]*;\s*$")).ToList();
        var body = string.Join("\n", lines.Where(l => !usings.Contains(l)));
        var source = string.Join("\n", usings) + """

            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Marketplace.Client;
            using Marketplace.Client.Query;
            using Microsoft.Extensions.DependencyInjection;

            public static class ReadmeExample
            {
                public static async Task Run(Uri testBaseUri, string testToken, IServiceCollection services, IReadOnlyDictionary<string, string?> configuration, CancellationToken cancellationToken)
                {
            """ + body + """

                    await Task.CompletedTask;
                }
            }
            """;

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0).Select(a => a.Location))
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Readme" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(result.Success, $"{name} does not compile:\n  {string.Join("\n  ", errors)}\n--- as compiled:\n{source}");
        return Assembly.Load(image.ToArray()).GetType("ReadmeExample")!.GetMethod("Run")!;
    }
}
