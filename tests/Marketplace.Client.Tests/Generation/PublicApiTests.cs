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
    public void The_public_api_is_the_reviewed_one()
    {
        var api = typeof(MarketplaceClient).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // PublicApiGenerator leaves Microsoft.* out by default; AddMarketplaceClient lives there for discoverability.
            AllowNamespacePrefixes = new[] { "Microsoft.Extensions.DependencyInjection" },
            ExcludeAttributes = new[]
            {
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                // They name compiler-generated state machines (<AsPages>d__7), which change with any edit.
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
            },
        });

        Snapshot.Match(api.Split('\n'));
    }

    [Fact]
    public void The_testing_packages_public_api_is_the_reviewed_one()
    {
        var api = typeof(Marketplace.Client.Testing.MarketplaceTestServer).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = new[]
            {
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
            },
        });

        Snapshot.Match(api.Split('\n'));
    }
}
