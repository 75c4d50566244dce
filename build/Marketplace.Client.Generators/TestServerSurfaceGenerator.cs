using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Marketplace.Client.Generators;

/// <summary>
/// Writes the seeding methods of <c>Marketplace.Client.Testing.MarketplaceTestServer</c>, by rule: for every collection the
/// client lists (every public <c>ListAll&lt;Name&gt;Async</c> returning <c>MarketplacePageable&lt;T&gt;</c>, itself generated
/// from the spec), an <c>Add&lt;Name&gt;(pathParameters…, IEnumerable&lt;T&gt; items)</c> that seeds the collection at that
/// operation's path. It reads the referenced library, never the spec, so the server and the client cannot disagree on a
/// path or an item type; it runs only in the compilation that declares <c>MarketplaceTestServer</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class TestServerSurfaceGenerator : IIncrementalGenerator
{
    internal const string ServerName = "Marketplace.Client.Testing.MarketplaceTestServer";
    private const string ClientName = "Marketplace.Client.MarketplaceClient";

    private static readonly DiagnosticDescriptor NoOperationInfo = new(
        "MPGEN003",
        "A collection's operation was not found",
        "MarketplaceClient.{0}Async has no operation field ('{1}'); the test server cannot seed its collection. Check that Marketplace.Client grants InternalsVisibleTo to Marketplace.Client.Testing.",
        "Marketplace.Client.Generation",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Read from the references alone (the library's metadata), compiled under this assembly's name so the internals
        // it is granted are visible: an edit to a source file of the test server reruns nothing.
        var declaring = context.CompilationProvider
            .Select(static (compilation, _) => GeneratedSource.Declaring(compilation, ServerName))
            .WithTrackingName(TrackingNames.Source);
        var collections = declaring.Combine(context.MetadataReferencesProvider.Collect())
            .Select(static (input, cancellationToken) => input.Left.IsElsewhere ? StepOutput.Elsewhere : Read(input.Left.Compile(input.Right), cancellationToken))
            .WithTrackingName(TrackingNames.Collections);
        context.RegisterSourceOutput(collections, static (output, result) =>
        {
            if (result == StepOutput.Elsewhere) return;
            foreach (var missing in result.Problems)
                output.ReportDiagnostic(Diagnostic.Create(NoOperationInfo, Location.None, missing.Split('\u001f')));
            output.AddSource("MarketplaceTestServer.Collections.g.cs", SourceText.From(result.Source!, Encoding.UTF8));
        });
    }

    private static StepOutput Read(Compilation compilation, CancellationToken cancellationToken)
    {
        var client = compilation.GetTypeByMetadataName(ClientName);
        var text = new StringBuilder();
        var missing = new List<string>();
        foreach (var method in (client?.GetMembers().OfType<IMethodSymbol>() ?? Enumerable.Empty<IMethodSymbol>())
                     .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.Name.StartsWith("ListAll", StringComparison.Ordinal)
                                 && m.Name.EndsWith("Async", StringComparison.Ordinal))
                     .OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (method.ReturnType is not INamedTypeSymbol { Name: "MarketplacePageable", TypeArguments.Length: 1 } pageable) continue;
            var collection = method.Name.Substring("ListAll".Length, method.Name.Length - "ListAll".Length - "Async".Length);
            // ListAll<X> is generated for the operation List<X> (or <X>, for one whose name does not start with List).
            var info = new[] { "List" + collection + "Operation", collection + "Operation" }
                .FirstOrDefault(name => client!.GetMembers(name).OfType<IFieldSymbol>().Any(f => f.IsStatic));
            if (info is null)
            {
                missing.Add(method.Name.Substring(0, method.Name.Length - "Async".Length) + "\u001fList" + collection + "Operation");
                continue;
            }
            // The method's path parameters, by the names the client's generator wrote down for it, whatever their type or
            // spelling ({thing-id} is thing_id, an int is an int); the test server fills the template with them at run time.
            var names = client!.GetMembers(info + "PathParameters").OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue as string;
            if (names is null)
            {
                missing.Add(method.Name.Substring(0, method.Name.Length - "Async".Length) + "\u001f" + info + "PathParameters");
                continue;
            }
            var declared = new HashSet<string>(names.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            var path = method.Parameters.Where(p => declared.Contains(p.Name))
                .Select(p => (p.Name, Type: p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
                    SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier))))
                .ToList();
            // Where else the spec reads or writes one of its items ("GET public/v1/integration/instances/{id}", one a line).
            var routes = client.GetMembers(info + "ItemRoutes").OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue as string ?? "";
            Write(text, collection, info, path, pageable.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), method.Name, routes.Length > 0);
        }

        var source = new StringBuilder()
            .AppendLine("// <auto-generated>")
            .AppendLine("//     Generated by Marketplace.Client.Generators (build/) from the collections of Marketplace.Client,")
            .AppendLine("//     which are generated from openapi/. Do not edit: change the spec, the overlay or the rules.")
            .AppendLine("// </auto-generated>")
            .AppendLine("#nullable enable")
            .AppendLine()
            .AppendLine("namespace Marketplace.Client.Testing")
            .AppendLine("{")
            .AppendLine("    public partial class MarketplaceTestServer")
            .AppendLine("    {")
            .Append(text)
            .AppendLine("    }")
            .AppendLine("}")
            .ToString();
        return new StepOutput(source, missing);
    }

    private static void Write(StringBuilder text, string collection, string info, IReadOnlyList<(string Name, string Type)> path, string itemType, string listAll, bool hasItemRoutes)
    {
        var items = path.Any(p => p.Name == "items") ? "records" : "items";
        var stream = "StreamAll" + collection + "Async";
        text.AppendLine("        /// <summary>")
            .Append("        /// Adds <paramref name=\"items\"/> to the collection that <see cref=\"global::Marketplace.Client.MarketplaceClient.").Append(listAll)
            .AppendLine("\"/> reads, after the items added")
            .Append("        /// before: the server then pages it (and streams it, for <c>").Append(stream).AppendLine("</c>) as the platform does,")
            .Append("        /// and reads, replaces and deletes each item at the collection's path and its ID")
            .AppendLine(hasItemRoutes ? ", and wherever else the spec does (<see cref=\"global::Marketplace.Client.MarketplaceClient." + info + "ItemRoutes\"/>)." : ".")
            .AppendLine("        /// </summary>");
        foreach (var (parameter, _) in path)
            text.Append("        /// <param name=\"").Append(parameter).Append("\">The <c>").Append(parameter).AppendLine("</c> of the collection's path, as the client will send it.</param>");
        text.Append("        /// <param name=\"").Append(items).Append("\">The <see cref=\"").Append(itemType).Append("\"/> items, in the order the server hands them out, each written as the platform writes it.</param>")
            .AppendLine()
            .AppendLine("        /// <returns>This server, to chain more seeding.</returns>")
            .Append("        /// <exception cref=\"global::System.ArgumentNullException\">A path parameter, <paramref name=\"").Append(items).AppendLine("\"/> or an item is null.</exception>")
            .AppendLine("        /// <exception cref=\"global::System.ArgumentException\">A path parameter is empty, blank, <c>.</c> or <c>..</c>, which the client never sends.</exception>")
            .Append("        public MarketplaceTestServer Add").Append(collection).Append('(')
            .Append(string.Concat(path.Select(p => p.Type + " " + Identifier(p.Name) + ", ")))
            .Append("global::System.Collections.Generic.IEnumerable<").Append(itemType).Append("> ").Append(items).AppendLine(") =>")
            .Append("            AddItems(global::Marketplace.Client.MarketplaceClient.").Append(info).Append(", new object?[] { ")
            .Append(string.Join(", ", path.Select(p => Identifier(p.Name))))
            .Append(" }, ").Append(items)
            .Append(hasItemRoutes ? ", global::Marketplace.Client.MarketplaceClient." + info + "ItemRoutes" : "").AppendLine(");")
            .AppendLine();
    }

    private static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
