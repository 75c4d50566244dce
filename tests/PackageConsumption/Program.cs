// Lists an extension's instances through the packaged client, against WireMock serving the recordings, and
// checks that a symbols PDB carries the generated client's source. Exit code 0 only if everything holds.
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Marketplace.Client;
using WireMock.Server;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Consumer <recordings-folder> [<pdb-from-snupkg>]");
    return 2;
}

using var server = WireMockServer.Start();
foreach (var file in Directory.EnumerateFiles(args[0], "*.json", SearchOption.AllDirectories))
    server.ReadStaticMappingAndAddOrUpdate(file);

using var client = new MarketplaceClient(new MarketplaceClientOptions
{
    BaseUri = new Uri(server.Url! + "/"),
    Token = "idt:TKN-1234-5678:package-consumer",
});

var ids = new List<string>();
await foreach (Instance instance in client.ListAllExtensionInstancesAsync("EXT-6822-9898-4256"))
    ids.Add($"{instance.Id} {instance.Status}");
Console.WriteLine($"Listed {ids.Count} instances through Marketplace.Client {typeof(MarketplaceClient).Assembly.GetName().Version}: {string.Join(", ", ids)}");
if (ids.Count != 3)
{
    Console.Error.WriteLine("expected the 3 recorded instances");
    return 1;
}

if (args.Length > 1)
{
    using var pdbStream = File.OpenRead(args[1]);
    using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
    var pdb = provider.GetMetadataReader();
    var embeddedSourceKind = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
    var embedded = pdb.Documents
        .Select(handle => (Name: pdb.GetString(pdb.GetDocument(handle).Name), Handle: handle))
        .Where(d => d.Name.EndsWith("MarketplaceClient.g.cs", StringComparison.Ordinal))
        .Where(d => pdb.GetCustomDebugInformation(d.Handle).Any(c => pdb.GetGuid(pdb.GetCustomDebugInformation(c).Kind) == embeddedSourceKind))
        .Select(d => d.Name)
        .ToList();
    if (embedded.Count == 0)
    {
        Console.Error.WriteLine($"{args[1]} has no embedded source for MarketplaceClient.g.cs");
        return 1;
    }
    Console.WriteLine($"{Path.GetFileName(args[1])} embeds the generated source: {embedded[0]}");
}
return 0;
