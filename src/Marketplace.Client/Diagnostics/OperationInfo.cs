namespace Marketplace.Client.Diagnostics;

/// <summary>What the generated code knows about an operation: its name and its path template (for spans and metrics).</summary>
internal sealed class OperationInfo
{
    public OperationInfo(string name, string template)
    {
        Name = name;
        Template = template.Length > 0 && template[0] == '/' ? template : "/" + template;
    }

    /// <summary>The operation's name, e.g. <c>ListExtensionInstances</c>.</summary>
    public string Name { get; }

    /// <summary>The path template, e.g. <c>/public/v1/integration/extensions/{extensionId}/instances</c>.</summary>
    public string Template { get; }
}
