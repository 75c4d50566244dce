using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Marketplace.Client.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Marketplace.Client.Tests.Generation;

/// <summary>
/// The generators are incremental for real (issue 20): with Roslyn's step tracking on, an edit to a hand-written file
/// leaves every step that reads the generated code cached, and only an edit to the NSwag output (a spec change) makes
/// them run again. Driven in memory over the NSwag output of this build.
/// </summary>
public sealed class GeneratorIncrementalityTests
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static string Metadata(string key) => typeof(GeneratorIncrementalityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static IEnumerable<MetadataReference> References(params Assembly[] more) =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(new[] { typeof(Newtonsoft.Json.JsonConvert).Assembly.Location })
            .Concat(more.Select(a => a.Location))
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));

    private static GeneratorDriver Driver(IIncrementalGenerator generator, params AdditionalText[] additionalFiles) =>
        CSharpGeneratorDriver.Create(new[] { generator.AsSourceGenerator() }, additionalFiles, Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    // NSwag's client as the build hands it to the generator: an additional file, not a source.
    private sealed class InMemoryText : AdditionalText
    {
        private readonly Microsoft.CodeAnalysis.Text.SourceText _text;

        public InMemoryText(string path, string text)
        {
            Path = path;
            _text = Microsoft.CodeAnalysis.Text.SourceText.From(text);
        }

        public override string Path { get; }

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => _text;
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void An_edit_to_a_hand_written_file_reruns_no_step_that_writes_the_surface()
    {
        var nswag = CSharpSyntaxTree.ParseText(File.ReadAllText(Metadata("BuiltNSwagOutput")), Parse, path: "MarketplaceClient.g.cs");
        var client = new InMemoryText("obj/MarketplaceRestClient.g.cs", File.ReadAllText(Metadata("BuiltNSwagClient")));
        var handWritten = CSharpSyntaxTree.ParseText("namespace Marketplace.Client { internal static class Consumer { public static int Answer => 41; } }", Parse, path: "Consumer.cs");
        var compilation = CSharpCompilation.Create("Marketplace.Client", new[] { nswag, handWritten }, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var driver = Driver(new ClientSurfaceGenerator(), client).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Contains(first.GeneratedSources, s => s.HintName == "MarketplaceClient.Operations.g.cs" && s.SourceText.ToString().Contains("ListAllExtensionInstancesAsync", StringComparison.Ordinal));
        Assert.Equal(3, first.GeneratedSources.Length);

        // A keystroke in the hand-written file: a new compilation, the same NSwag tree.
        var edited = compilation.ReplaceSyntaxTree(handWritten, handWritten.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            "namespace Marketplace.Client { internal static class Consumer { public static int Answer => 42; } }")));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();

        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(second, TrackingNames.Source));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, TrackingNames.ClientTree)); // NSwag's client is not parsed again
        foreach (var step in new[] { TrackingNames.Compilation, TrackingNames.Surface, TrackingNames.Fields, TrackingNames.EnumKinds })
            Assert.True(Reasons(second, step).All(r => r == IncrementalStepRunReason.Cached), $"{step}: {string.Join(", ", Reasons(second, step))}");
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        // A change to the NSwag output (the spec changed) runs them again; a change that alters no signature writes the same text.
        var regenerated = edited.ReplaceSyntaxTree(nswag, nswag.WithChangedText(nswag.GetText().WithChanges(
            new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(0, 0), "// regenerated\n"))));
        driver = driver.RunGenerators(regenerated);
        var third = driver.GetRunResult().Results.Single();

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(third, TrackingNames.Source));
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(third, TrackingNames.Surface));
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), third.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void An_edit_to_the_test_servers_own_files_reruns_nothing_it_reads_from_the_library()
    {
        var server = CSharpSyntaxTree.ParseText("namespace Marketplace.Client.Testing { public partial class MarketplaceTestServer { } }", Parse, path: "MarketplaceTestServer.cs");
        var compilation = CSharpCompilation.Create("Marketplace.Client.Testing", new[] { server }, References(typeof(MarketplaceClient).Assembly),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var driver = Driver(new TestServerSurfaceGenerator()).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Contains("public MarketplaceTestServer AddExtensionInstances(string extensionId", Assert.Single(first.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(server, server.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            "namespace Marketplace.Client.Testing { public partial class MarketplaceTestServer { private int _edited; } }"))));
        var second = driver.GetRunResult().Results.Single();

        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(second, TrackingNames.Source));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(second, TrackingNames.Collections));
    }
}
