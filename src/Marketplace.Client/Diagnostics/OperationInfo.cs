namespace Marketplace.Client.Diagnostics;

/// <summary>
/// What the generated code knows about an operation: its name and its path template (for spans and metrics), and the
/// template's placeholders in the order of the method's path parameters (for the test server's seeding).
/// </summary>
internal sealed class OperationInfo
{
    public OperationInfo(string name, string template, params string[] pathParameters)
    {
        Name = name;
        Template = template.Length > 0 && template[0] == '/' ? template : "/" + template;
        PathParameters = pathParameters;
    }

    /// <summary>The template's placeholders as the spec spells them (<c>thing-id</c>), in the order the method takes them.</summary>
    public System.Collections.Generic.IReadOnlyList<string> PathParameters { get; }

    /// <summary>The operation's name, e.g. <c>ListExtensionInstances</c>.</summary>
    public string Name { get; }

    /// <summary>The path template, e.g. <c>/public/v1/integration/extensions/{extensionId}/instances</c>.</summary>
    public string Template { get; }
}
