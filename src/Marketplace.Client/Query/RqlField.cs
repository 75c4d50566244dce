using System;

namespace Marketplace.Client.Query;

/// <summary>
/// A field path for RQL (<c>status</c>, <c>audit.created.at</c>), checked by the compiler: the generated
/// <c>…Fields</c> classes (<c>InstanceFields.Status</c>, <c>InstanceFields.Audit.Created.At</c>,
/// <c>InstallationFields.Account.Name</c>) are built from the spec, so a property the spec gains appears there on the
/// next build. Converts to <see cref="string"/> implicitly, so it goes wherever a field name goes:
/// <c>Rql.Eq(InstanceFields.Status, "Running")</c>, <c>.OrderByDescending(InstanceFields.Audit.Created.At)</c>,
/// <c>.Select("+" + InstanceFields.Audit)</c>.
/// </summary>
/// <remarks>
/// For a field inside a collection (<c>modules</c> of an installation), filter with <see cref="Rql.Any"/> or
/// <see cref="Rql.All"/> and the element's own fields: <c>Rql.Any(InstallationFields.Modules, Rql.Eq(ModuleRefFields.Id, "MOD-…"))</c>.
/// </remarks>
public class RqlField : IEquatable<RqlField>
{
    private readonly string _path;

    internal RqlField(string path) => _path = path;

    internal RqlField(RqlField parent, string name) => _path = parent._path + "." + name;

    /// <summary>The path, e.g. <c>audit.created.at</c>.</summary>
    public override string ToString() => _path;

    /// <summary>The path, e.g. <c>audit.created.at</c>.</summary>
    /// <param name="field">The field; <see langword="null"/> gives <see langword="null"/>.</param>
    public static implicit operator string(RqlField field) => field?._path!;

    /// <inheritdoc />
    public bool Equals(RqlField? other) => other is not null && string.Equals(_path, other._path, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RqlField);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_path);
}
