using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Marketplace.Client.Generators;

/// <summary>
/// Writes the public client surface from the NSwag-generated operations (the <c>MarketplaceRestClient</c> NSwag writes
/// from the merged spec into an additional file, never compiled into the library) and models, by rule:
/// <list type="bullet">
/// <item>every operation: a public method on <c>MarketplaceClient</c> and <c>IMarketplaceClient</c> with the operation's
/// signature and documentation, over the hand-written request machinery (NSwag's client is only read, never called);</item>
/// <item>every list operation (its response has <c>Metadata</c> of type <c>ListMetadata</c> and a <c>Data</c> list, and it takes
/// <c>limit</c> and <c>offset</c>): an overload taking an <c>RqlQuery</c>, and <c>ListAll&lt;Name&gt;Async</c> returning
/// <c>MarketplacePageable&lt;TItem&gt;</c>; its response type implements <c>IListResponse&lt;TItem&gt;</c>.</item>
/// </list>
/// Nothing here names an operation: a new fragment (plus its overlay naming action) gets all of it on the next build.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ClientSurfaceGenerator : IIncrementalGenerator
{
    internal const string RestClientName = "Marketplace.Client.MarketplaceRestClient";

    // A type of the library's own: in source, the compilation is the library; in metadata, one that references it.
    private const string LibraryType = "Marketplace.Client.MarketplaceClient";

    private static readonly DiagnosticDescriptor NoOperations = new(
        "MPGEN001",
        "The generated operations were not found",
        "The client surface needs the NSwag-generated models (MarketplaceClient.g.cs, compiled) and NSwag's client '{0}' (MarketplaceRestClient.g.cs, an additional file); check nswag.json (className, output, contractsOutputFilePath) and build/Marketplace.Client.Generation.targets",
        "Marketplace.Client.Generation",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor UnsentParameter = new(
        "MPGEN005",
        "An operation parameter has no place in the request",
        "Operation '{0}' takes '{1}', which is neither a path nor a query parameter, a JSON body nor one part of a multipart/form-data body (a header, or a list of files); the client surface does not send those yet, so the operation is left out",
        "Marketplace.Client.Generation",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The whole surface is a pure function of the NSwag output: its tree and the references, compiled on their own
        // (GeneratedSource), so an edit to any other file reruns none of the steps below (GeneratorIncrementalityTests).
        // The generator runs in every compilation that takes it as an analyzer; only the one holding the NSwag output
        // (Marketplace.Client) gets the surface. One that merely references the library (Marketplace.Client.Testing, which
        // sees its internals) must not get a second copy of it.
        // NSwag's client is an additional file (never compiled into the library): parsed once per change of its text.
        var client = context.AdditionalTextsProvider
            .Where(static text => GeneratedSource.IsClient(text))
            .Select(static (text, cancellationToken) => text.GetText(cancellationToken)?.ToString())
            .Collect()
            .Combine(context.ParseOptionsProvider)
            .Select(static (input, cancellationToken) => GeneratedSource.ParseClient(input.Left.FirstOrDefault(t => t is not null), (CSharpParseOptions)input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.ClientTree);
        var source = context.CompilationProvider.Combine(client)
            .Select(static (input, cancellationToken) => GeneratedSource.Find(input.Left, input.Right, LibraryType, cancellationToken))
            .WithTrackingName(TrackingNames.Source);
        var generated = source.Combine(context.MetadataReferencesProvider.Collect())
            .Select(static (input, _) => input.Left.Tree is null ? null : new GeneratedCompilation(input.Left.Compile(input.Right)))
            .WithTrackingName(TrackingNames.Compilation);

        var surface = source.Combine(generated)
            .Select(static (input, cancellationToken) => input.Left.IsElsewhere ? StepOutput.Elsewhere
                : input.Right is null ? new StepOutput(null)
                : Build(input.Right.Compilation, cancellationToken))
            .WithTrackingName(TrackingNames.Surface);
        context.RegisterSourceOutput(surface, static (output, result) =>
        {
            if (result == StepOutput.Elsewhere) return;
            if (result.Source is null)
            {
                output.ReportDiagnostic(Diagnostic.Create(NoOperations, Location.None, RestClientName));
                return;
            }
            foreach (var problem in result.Problems)
                output.ReportDiagnostic(Diagnostic.Create(UnsentParameter, Location.None, problem.Split('\u001f')));
            output.AddSource("MarketplaceClient.Operations.g.cs", SourceText.From(result.Source, Encoding.UTF8));
        });

        var fields = generated
            .Select(static (input, cancellationToken) => input is null ? StepOutput.Elsewhere : new StepOutput(FieldPathWriter.Write(input.Compilation, cancellationToken)))
            .WithTrackingName(TrackingNames.Fields);
        context.RegisterSourceOutput(fields, static (output, result) =>
        {
            if (result != StepOutput.Elsewhere) output.AddSource("Fields.g.cs", SourceText.From(result.Source!, Encoding.UTF8));
        });

        var kinds = generated.Select(static (input, cancellationToken) =>
        {
            if (input is null) return StepOutput.Elsewhere;
            var (text, collisions) = EnumKindWriter.Write(input.Compilation, cancellationToken);
            return new StepOutput(text, collisions);
        }).WithTrackingName(TrackingNames.EnumKinds);
        context.RegisterSourceOutput(kinds, static (output, result) =>
        {
            if (result == StepOutput.Elsewhere) return;
            foreach (var collision in result.Problems)
                output.ReportDiagnostic(Diagnostic.Create(EnumKindWriter.Collision, Location.None, collision.Split('\u001f')));
            output.AddSource("EnumKinds.g.cs", SourceText.From(result.Source!, Encoding.UTF8));
        });
    }

    private static StepOutput Build(Compilation compilation, CancellationToken cancellationToken)
    {
        var rest = compilation.GetTypeByMetadataName(RestClientName);
        if (rest is null) return new StepOutput(null);
        var operations = Operation.ReadAll(rest, compilation, cancellationToken);
        var unsent = operations
            .SelectMany(o => o.Parameters.Where(p => !p.IsSent).Select(p => o.Name + "\u001f" + p.Name))
            .ToList();
        var sendable = operations.Where(o => o.Parameters.All(p => p.IsSent)).ToList();
        return new StepOutput(SurfaceWriter.Write(sendable), unsent);
    }

}

/// <summary>The names the steps carry in Roslyn's step tracking (<c>GeneratorDriverOptions.TrackIncrementalGeneratorSteps</c>).</summary>
internal static class TrackingNames
{
    public const string Source = "GeneratedSource";
    public const string ClientTree = "NSwagClientTree";
    public const string Compilation = "GeneratedCompilation";
    public const string Surface = "Surface";
    public const string Fields = "Fields";
    public const string EnumKinds = "EnumKinds";
    public const string Collections = "TestServerCollections";
}

/// <summary>
/// The small compilation of the generated code, as a pipeline value: equal only to itself, so a step downstream reruns
/// exactly when a new one was made (when the NSwag tree or the references changed).
/// </summary>
internal sealed class GeneratedCompilation
{
    public GeneratedCompilation(Compilation compilation) => Compilation = compilation;

    public Compilation Compilation { get; }
}

/// <summary>One generated operation, as the surface needs it: names, rendered types and documentation.</summary>
internal sealed class Operation
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public Operation(string name, string method, string path, string returnType, IReadOnlyList<Parameter> parameters, string documentation, ListShape? list,
        string? responseType = null, IReadOnlyList<int>? successStatuses = null, string? download = null)
    {
        Download = download;
        ResponseType = responseType;
        SuccessStatuses = successStatuses ?? Array.Empty<int>();
        Name = name;
        Method = method;
        Path = path;
        ReturnType = returnType;
        Parameters = parameters;
        Documentation = documentation;
        List = list;
    }

    /// <summary>The operation's name: the method name without <c>Async</c>.</summary>
    public string Name { get; }

    /// <summary>The HTTP method, upper case, e.g. <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The path template, e.g. <c>public/v1/integration/extensions/{extensionId}/instances</c> (empty if NSwag did not say).</summary>
    public string Path { get; }

    public string ReturnType { get; }

    /// <summary>The model the operation answers with (fully qualified); <see langword="null"/> for one that answers without a body.</summary>
    public string? ResponseType { get; }

    /// <summary>The 2xx statuses the spec documents for it, in order (e.g. 201; 204).</summary>
    public IReadOnlyList<int> SuccessStatuses { get; }

    /// <summary>
    /// An operation with a model that may also answer 204 No Content (a PUT documented with 200 and 204): it returns
    /// <see langword="null"/> for the 204, a success, instead of failing on the missing body after the server acted.
    /// </summary>
    public bool MayAnswerNoContent => ResponseType is not null && SuccessStatuses.Contains(204);

    /// <summary>A read (GET, HEAD): retried on transient failures. Anything else is a write, sent once unless refused with 429.</summary>
    public bool IsRead => Method is "GET" or "HEAD";

    /// <summary>For an operation that answers with a file: the media types it accepts (the spec's); otherwise <see langword="null"/>.</summary>
    public string? Download { get; }

    /// <summary>Whether the body is <c>multipart/form-data</c>: its parameters are the parts.</summary>
    public bool IsMultipart => Parameters.Any(p => p.PartName is not null);

    /// <summary>The parameter sent as the JSON body, if any.</summary>
    public Parameter? Body => Parameters.FirstOrDefault(p => p.IsBody);

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The generated method's XML documentation, inner elements only.</summary>
    public string Documentation { get; }

    /// <summary>Set for a list operation.</summary>
    public ListShape? List { get; }

    public static IReadOnlyList<Operation> ReadAll(INamedTypeSymbol rest, Compilation compilation, CancellationToken cancellationToken)
    {
        const string MarketplaceFile = "global::Marketplace.Client.MarketplaceFile";
        var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        var plainTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        var operations = new List<Operation>();
        foreach (var method in rest.GetMembers().OfType<IMethodSymbol>()
                     .Where(m => m.MethodKind == MethodKind.Ordinary && m.DeclaredAccessibility == Accessibility.Public && !m.IsStatic
                                 && m.Name.EndsWith("Async", StringComparison.Ordinal))
                     .OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (method.ReturnType is not INamedTypeSymbol returnType) continue;
            var answersWithBody = returnType.IsGenericType && SymbolEqualityComparer.Default.Equals(returnType.ConstructedFrom, task);
            if (!answersWithBody && !SymbolEqualityComparer.Default.Equals(returnType, plainTask)) continue;

            var path = OperationPath(method, cancellationToken);
            var (verb, queryNames, jsonBody, statuses, parts, accept) = ReadBody(method, cancellationToken);
            // Each {placeholder} of the template by the spelling NSwag reduces it to ("thing-id" and "thingId" are both "thingid").
            var placeholders = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(path, @"\{([^}]+)\}"))
                placeholders[Normalize(m.Groups[1].Value)] = m.Groups[1].Value;
            // A required part (NSwag throws when it is null) loses the default NSwag gives every part, where C# allows it
            // (no optional parameter after it), so the signature says it is required; a file part takes MarketplaceFile.
            var requiredFromHere = true;
            var required = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in method.Parameters.Reverse())
            {
                if (p.Type.ToDisplayString() == "System.Threading.CancellationToken") continue;
                var isRequiredPart = parts.TryGetValue(p.Name, out var partOf) && partOf.Required;
                if (!p.HasExplicitDefaultValue || (isRequiredPart && requiredFromHere)) required.Add(p.Name);
                else requiredFromHere = false;
            }
            var parameters = method.Parameters.Select(p =>
            {
                var part = parts.TryGetValue(p.Name, out var found) ? found : default;
                var isPart = part.Name is not null;
                var keepsDefault = p.HasExplicitDefaultValue && !required.Contains(p.Name);
                var type = part.IsFile ? MarketplaceFile + (keepsDefault ? "?" : "")
                    : isPart && !keepsDefault ? p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat)
                    : p.Type.ToDisplayString(TypeFormat);
                return new Parameter(
                    p.Name,
                    type,
                    keepsDefault ? DefaultLiteral(p) : null,
                    p.Type.ToDisplayString() == "System.Threading.CancellationToken",
                    requiresValue: (p.Type.IsReferenceType || part.IsFile) && !keepsDefault && (isPart || p.NullableAnnotation != NullableAnnotation.Annotated),
                    placeholder: placeholders.TryGetValue(Normalize(p.Name), out var placeholder) ? placeholder : null,
                    queryName: queryNames.TryGetValue(p.Name, out var wire) ? wire : null,
                    isBody: parts.Count == 0 && p.Name == jsonBody,
                    partName: part.Name,
                    isFilePart: part.IsFile);
            }).ToList();
            parameters = Unclashed(parameters);
            var response = answersWithBody ? returnType.TypeArguments[0] : null;
            var isDownload = response?.Name == "FileResponse";
            if (isDownload) response = null;
            operations.Add(new Operation(
                method.Name.Substring(0, method.Name.Length - "Async".Length),
                verb,
                path,
                isDownload ? "global::System.Threading.Tasks.Task<global::Marketplace.Client.MarketplaceDownload>"
                    : response is not null && statuses.Contains(204) ? "global::System.Threading.Tasks.Task<" + response.WithNullableAnnotation(NullableAnnotation.Annotated).ToDisplayString(TypeFormat) + ">"
                    : returnType.ToDisplayString(TypeFormat),
                parameters,
                Docs.Inner(method.GetDocumentationCommentXml(cancellationToken: cancellationToken)),
                response is null ? null : ListShape.Read(response, parameters),
                response?.ToDisplayString(TypeFormat),
                statuses,
                isDownload ? accept ?? "*/*" : null));
        }
        return operations;
    }

    // NSwag writes the template into each operation as `// Operation Path: "…"`; its {placeholders} are the path parameters.
    private static string OperationPath(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var trivia in reference.GetSyntax(cancellationToken).DescendantTrivia())
            {
                var text = trivia.ToString();
                var at = text.IndexOf("Operation Path: \"", StringComparison.Ordinal);
                if (at < 0) continue;
                var start = at + "Operation Path: \"".Length;
                var end = text.IndexOf('"', start);
                if (end > start) return text.Substring(start, end - start);
            }
        }
        return string.Empty;
    }

    // What NSwag's body of the operation says that its signature does not: the HTTP method
    // (`new System.Net.Http.HttpMethod("GET")`), the wire name of each query parameter
    // (`if (limit != null) { urlBuilder_.Append(System.Uri.EscapeDataString("limit")) … }`), the parameter it writes as
    // the JSON body (`JsonConvert.SerializeObject(body, …)`), the parts of a multipart body (each written inside
    // `if (part == null) throw … else { … content_.Add(…, "name") }`, a file as `new StreamContent(file.Data)`), the
    // media types it accepts (`Accept.Add(…Parse("image/png"))`) and the success statuses it reads (`if (status_ == 201)`).
    private static (string Method, Dictionary<string, string> QueryNames, string? JsonBody, List<int> Statuses, Dictionary<string, Part> Parts, string? Accept)
        ReadBody(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var verb = "GET";
        string? jsonBody = null;
        string? accept = null;
        var parts = new Dictionary<string, Part>(StringComparer.Ordinal);
        var statuses = new List<int>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax(cancellationToken);
            foreach (var creation in body.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax>())
            {
                if (creation.Type.ToString().EndsWith("HttpMethod", StringComparison.Ordinal)
                    && creation.ArgumentList?.Arguments.FirstOrDefault()?.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal)
                    verb = literal.Token.ValueText.ToUpperInvariant();
            }
            foreach (var check in body.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax>())
            {
                if (check.Condition is not Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax { Left: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax parameter }) continue;
                var wire = check.Statement.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
                    .Where(i => i.Expression.ToString().EndsWith("EscapeDataString", StringComparison.Ordinal))
                    .Select(i => i.ArgumentList.Arguments.FirstOrDefault()?.Expression)
                    .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>()
                    .FirstOrDefault();
                if (wire is not null) names[parameter.Identifier.ValueText] = wire.Token.ValueText;
            }
            foreach (var call in body.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
            {
                var callee = call.Expression.ToString();
                if (callee.EndsWith("JsonConvert.SerializeObject", StringComparison.Ordinal)
                    && call.ArgumentList.Arguments.FirstOrDefault()?.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax serialized)
                    jsonBody = serialized.Identifier.ValueText;
                if (callee.EndsWith("Accept.Add", StringComparison.Ordinal))
                {
                    var media = call.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>().FirstOrDefault();
                    if (media is not null) accept = accept is null ? media.Token.ValueText : accept + ", " + media.Token.ValueText;
                }
                if (callee == "content_.Add" && call.ArgumentList.Arguments.Count >= 2
                    && call.ArgumentList.Arguments[1].Expression is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.Value: string partName })
                {
                    // The parameter is the one the enclosing `if (x == null)` / `if (x != null)` tests; a loop over a list of
                    // files (`foreach`) is not one part, so it stays unsent (MPGEN005).
                    var check = call.Ancestors().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.IfStatementSyntax>()
                        .FirstOrDefault(i => i.Condition is Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax { Left: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax });
                    if (check is null || call.Ancestors().TakeWhile(a => a != check).Any(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.ForEachStatementSyntax)) continue;
                    var tested = ((Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax)((Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax)check.Condition).Left).Identifier.ValueText;
                    var requiredPart = check.Statement.DescendantNodesAndSelf().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ThrowStatementSyntax>().Any();
                    var isFile = check.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax>()
                        .Any(c => c.Type.ToString().EndsWith("StreamContent", StringComparison.Ordinal));
                    parts[tested] = new Part(partName, requiredPart, isFile);
                }
            }
            foreach (var comparison in body.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax>())
            {
                if (comparison.Left is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "status_" }
                    && comparison.Right is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax { Token.Value: int status }
                    && status is >= 200 and <= 299 && !statuses.Contains(status))
                    statuses.Add(status);
            }
        }
        return (verb, names, jsonBody, statuses, parts, accept);
    }

    // {extension_id}, {extensionId} and extensionId all name the same parameter.
    // The surface adds parameters of its own (query, options, cancellationToken; limit and offset for paging): an
    // operation's own parameter of one of those names (a {query} path segment, an "options" query parameter) gets
    // "Value" appended, so every operation compiles whatever its parameters are called.
    private static readonly string[] SurfaceNames = { "query", "options", "cancellationToken", "limit", "offset" };

    private static List<Parameter> Unclashed(List<Parameter> parameters)
    {
        var taken = new HashSet<string>(parameters.Select(p => p.Name), StringComparer.Ordinal);
        return parameters.Select(p =>
        {
            if (p.IsCancellationToken || p.IsPaging || Array.IndexOf(SurfaceNames, p.Name) < 0) return p;
            var name = p.Name + "Value";
            for (var i = 2; taken.Contains(name) || Array.IndexOf(SurfaceNames, name) >= 0; i++) name = p.Name + "Value" + i;
            taken.Add(name);
            return p.WithName(name);
        }).ToList();
    }

    private static string Normalize(string name) => new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string DefaultLiteral(IParameterSymbol parameter) => parameter.ExplicitDefaultValue switch
    {
        null => parameter.Type.IsValueType && parameter.Type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T ? "default" : "null",
        bool flag => flag ? "true" : "false",
        string text => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "default",
    };
}

/// <summary>A parameter of a generated operation.</summary>
internal sealed class Parameter
{
    public Parameter(string name, string type, string? defaultValue, bool isCancellationToken, bool requiresValue = false, string? placeholder = null, string? queryName = null, bool isBody = false,
        string? partName = null, bool isFilePart = false, string? sourceName = null)
    {
        SourceName = sourceName ?? name;
        Placeholder = placeholder;
        PartName = partName;
        IsFilePart = isFilePart;
        IsBody = isBody;
        QueryName = queryName;
        Name = name;
        Type = type;
        DefaultValue = defaultValue;
        IsCancellationToken = isCancellationToken;
        RequiresValue = requiresValue;
    }

    /// <summary>The model sent as the request's JSON body.</summary>
    public bool IsBody { get; }

    /// <summary>The name of the <c>multipart/form-data</c> part the parameter is sent as; <see langword="null"/> when it is not one.</summary>
    public string? PartName { get; }

    /// <summary>A file part (a <c>MarketplaceFile</c>); otherwise a part is a model sent as JSON, or a text.</summary>
    public bool IsFilePart { get; }

    /// <summary>Whether the surface knows where the parameter goes in the request.</summary>
    public bool IsSent => IsCancellationToken || IsPathSegment || QueryName is not null || IsBody || PartName is not null;

    /// <summary>One segment of the URL path; a string one is refused when empty, ".", ".." or blank.</summary>
    public bool IsPathSegment => Placeholder is not null;

    /// <summary>For a path segment: its name in the template, as the spec spells it (<c>thing-id</c>); otherwise <see langword="null"/>.</summary>
    public string? Placeholder { get; }

    /// <summary>The name NSwag gave it (its documentation is keyed by it); <see cref="Name"/> differs only for a name the surface uses itself.</summary>
    public string SourceName { get; }

    /// <summary><c>limit</c> or <c>offset</c> for a list's paging query parameter (the surface pages with them); otherwise <see langword="null"/>.</summary>
    public string? PagingName => !IsPathSegment && (QueryName ?? SourceName) is "limit" or "offset" ? QueryName ?? SourceName : null;

    /// <summary>Whether it is one of a list's paging parameters (<see cref="PagingName"/>).</summary>
    public bool IsPaging => PagingName is not null;

    /// <summary>This parameter under another name in the surface.</summary>
    public Parameter WithName(string name) =>
        new(name, Type, DefaultValue, IsCancellationToken, RequiresValue, Placeholder, QueryName, IsBody, PartName, IsFilePart, SourceName);

    /// <summary>The name the parameter has in the query string; <see langword="null"/> when it does not go there.</summary>
    public string? QueryName { get; }

    /// <summary>A non-nullable reference without a default (a path parameter): null is refused.</summary>
    public bool RequiresValue { get; }

    public string Name { get; }

    public string Type { get; }

    public string? DefaultValue { get; }

    public bool IsCancellationToken { get; }

    public string Declaration => DefaultValue is null ? $"{Type} {Identifier}" : $"{Type} {Identifier} = {DefaultValue}";

    public string Identifier => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(Name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + Name : Name;
}

/// <summary>One part of a multipart/form-data body, as NSwag writes it.</summary>
internal readonly struct Part
{
    public Part(string name, bool required, bool isFile)
    {
        Name = name;
        Required = required;
        IsFile = isFile;
    }

    public string? Name { get; }

    public bool Required { get; }

    public bool IsFile { get; }
}

/// <summary>What makes an operation a collection: its item type and how items are identified.</summary>
internal sealed class ListShape
{
    private ListShape(string responseType, string itemType, bool itemHasId, bool itemHasDeletedMark)
    {
        ResponseType = responseType;
        ItemType = itemType;
        ItemHasId = itemHasId;
        ItemHasDeletedMark = itemHasDeletedMark;
    }

    /// <summary>Whether items have <c>Metadata.Deleted</c> (the mark of a streamed record deleted after the snapshot).</summary>
    public bool ItemHasDeletedMark { get; }

    public string ResponseType { get; }

    public string ItemType { get; }

    /// <summary>Whether items have a string <c>Id</c>, which the pageable uses to notice a repeated page.</summary>
    public bool ItemHasId { get; }

    public static ListShape? Read(ITypeSymbol response, IReadOnlyList<Parameter> parameters)
    {
        if (!parameters.Any(p => p.PagingName == "limit") || !parameters.Any(p => p.PagingName == "offset")) return null;
        var properties = response.GetMembers().OfType<IPropertySymbol>().ToList();
        var metadata = properties.FirstOrDefault(p => p.Name == "Metadata");
        var data = properties.FirstOrDefault(p => p.Name == "Data");
        if (metadata?.Type.Name != "ListMetadata" || data?.Type is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } list) return null;

        var item = list.TypeArguments[0];
        var hasId = item.GetMembers("Id").OfType<IPropertySymbol>().Any(p => p.Type.SpecialType == SpecialType.System_String);
        var hasDeletedMark = item.GetMembers("Metadata").OfType<IPropertySymbol>()
            .Any(m => m.Type.GetMembers("Deleted").OfType<IPropertySymbol>().Any(d => d.Type.ToDisplayString() is "bool?" or "bool"));
        var format = SymbolDisplayFormat.FullyQualifiedFormat;
        return new ListShape(response.ToDisplayString(format), item.ToDisplayString(format), hasId, hasDeletedMark);
    }
}

/// <summary>Reads a member's XML documentation for re-emission.</summary>
internal static class Docs
{
    public static string Inner(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) return string.Empty;
        try
        {
            var member = System.Xml.Linq.XElement.Parse(xml!, System.Xml.Linq.LoadOptions.PreserveWhitespace);
            // The surface is read from a compilation of the NSwag output alone, where a cref to a hand-written type is
            // unresolved ("!:Name"); the text the author wrote resolves in the real compilation, so it goes back as written.
            return string.Concat(member.Nodes().Select(n => n.ToString())).Replace("cref=\"!:", "cref=\"");
        }
        catch (System.Xml.XmlException)
        {
            return string.Empty;
        }
    }
}
