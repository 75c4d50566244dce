using PublicApiGenerator;
using Snapshooter.Xunit;
using Xunit;

namespace Marketplace.Client.Tests.Generation;

/// <summary>
/// The library's public surface, generated and hand-written alike. A spec change that changes the
/// surface fails here until the snapshot is reviewed and accepted on purpose.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void The_public_api_is_the_reviewed_one() =>
        // PublicApiGenerator leaves Microsoft.* out by default; AddMarketplaceClient lives there for discoverability.
        Snapshot.Match(PublicApi(typeof(MarketplaceClient).Assembly, "Microsoft.Extensions.DependencyInjection"));

    [Fact]
    public void The_testing_packages_public_api_is_the_reviewed_one() =>
        Snapshot.Match(PublicApi(typeof(Marketplace.Client.Testing.MarketplaceTestServer).Assembly));

    private static string[] PublicApi(System.Reflection.Assembly assembly, params string[] allowNamespacePrefixes) =>
        assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            AllowNamespacePrefixes = allowNamespacePrefixes,
            ExcludeAttributes = new[]
            {
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                // They name compiler-generated state machines (<AsPages>d__7), which change with any edit.
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
            },
        }).Split('\n');
}
