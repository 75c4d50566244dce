using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Client.Benchmarks;

// POCOs equivalent to the generated DTOs, for System.Text.Json with a source-generated context: the .NET floor
// the Newtonsoft-based client is compared with (no target; it says how far the mandated library is from it).
#pragma warning disable CS8618, CA1812, CA1002

public sealed class StjInstanceListResponse { [JsonPropertyName("$meta")] public StjListMetadata? Meta { get; set; } public List<StjInstance>? Data { get; set; } }
public sealed class StjInstallationListResponse { [JsonPropertyName("$meta")] public StjListMetadata? Meta { get; set; } public List<StjInstallation>? Data { get; set; } }
public sealed class StjListMetadata { public StjPagination? Pagination { get; set; } public List<string>? Omitted { get; set; } }
public sealed class StjPagination { public int? Offset { get; set; } public int? Limit { get; set; } public int? Total { get; set; } }
public sealed class StjPlatformMetadata { public List<string>? Omitted { get; set; } }
public sealed class StjIdentityRef { public string? Id { get; set; } public string? Name { get; set; } public string? Icon { get; set; } public int? Revision { get; set; } }
public sealed class StjEvent { public DateTimeOffset? At { get; set; } public StjIdentityRef? By { get; set; } }
public sealed class StjAudit
{
    public StjEvent? Created { get; set; } public StjEvent? Updated { get; set; } public StjEvent? Connecting { get; set; } public StjEvent? Running { get; set; }
    public StjEvent? Disconnected { get; set; } public StjEvent? Invited { get; set; } public StjEvent? Installed { get; set; } public StjEvent? Expired { get; set; }
    public StjEvent? Uninstalled { get; set; }
}
public sealed class StjMetaRef { public string? Id { get; set; } public string? Name { get; set; } public int? Revision { get; set; } public string? Version { get; set; } }
public sealed class StjChannel { public JsonElement? Identity { get; set; } }
public sealed class StjInstance
{
    public string? Id { get; set; } public StjAudit? Audit { get; set; } [JsonPropertyName("$meta")] public StjPlatformMetadata? Metadata { get; set; }
    public string? Name { get; set; } public int? Revision { get; set; } public StjIdentityRef? Extension { get; set; } public StjMetaRef? Meta { get; set; }
    public string? ExternalId { get; set; } public string? Status { get; set; } public StjChannel? Channel { get; set; }
}
public sealed class StjAccountRef { public string? Id { get; set; } public string? Name { get; set; } public string? Icon { get; set; } public int? Revision { get; set; } public string? Type { get; set; } public string? Status { get; set; } }
public sealed class StjInvitation { public string? Url { get; set; } public DateTimeOffset? ExpiresAt { get; set; } public string? Message { get; set; } public string? ExternalId { get; set; } public string? Validity { get; set; } }
public sealed class StjFilters { [JsonPropertyName("group.buyers")] public List<string>? GroupBuyers { get; set; } }
public sealed class StjEligibility { public bool? Multi { get; set; } public bool? Single { get; set; } }
public sealed class StjModuleSettings
{
    public bool? SharedAccount { get; set; } public bool? Configurable { get; set; } public bool? Default { get; set; } public bool? Paid { get; set; }
    public List<string>? Type { get; set; } public bool? Obsolete { get; set; } public StjEligibility? Eligibility { get; set; }
}
public sealed class StjModule { public string? Id { get; set; } public string? Name { get; set; } public int? Revision { get; set; } public string? Description { get; set; } public StjFilters? Filters { get; set; } public StjModuleSettings? Settings { get; set; } }
public sealed class StjIdentity { public string? Id { get; set; } public StjAudit? Audit { get; set; } [JsonPropertyName("$meta")] public StjPlatformMetadata? Metadata { get; set; } public string? Name { get; set; } public string? Icon { get; set; } public int? Revision { get; set; } }
public sealed class StjTerm { public string? Id { get; set; } public string? Name { get; set; } public int? Revision { get; set; } public DateTimeOffset? Accepted { get; set; } public StjIdentity? AcceptedBy { get; set; } }
public sealed class StjInstallation
{
    public string? Id { get; set; } public StjAudit? Audit { get; set; } [JsonPropertyName("$meta")] public StjPlatformMetadata? Metadata { get; set; }
    public string? Name { get; set; } public int? Revision { get; set; } public StjAccountRef? Account { get; set; } public StjIdentityRef? Extension { get; set; }
    public string? Status { get; set; } public JsonElement? Configuration { get; set; } public StjInvitation? Invitation { get; set; }
    public List<StjModule>? Modules { get; set; } public List<StjTerm>? Terms { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StjInstanceListResponse))]
[JsonSerializable(typeof(StjInstallationListResponse))]
public sealed partial class StjContext : JsonSerializerContext
{
}
#pragma warning restore CS8618, CA1812, CA1002
