using System.Collections.Generic;

namespace Marketplace.Client;

/// <summary>What every generated list envelope (<c>{"$meta": ..., "data": [...]}</c>) has; lets one pager serve them all.</summary>
internal interface IListResponse<T>
{
    ListMetadata? Metadata { get; }

    IReadOnlyList<T>? Data { get; }
}

// The generated envelopes already have these members; the partials only declare the interface.

/// <summary>One page of an extension's instances: <c>$meta</c> (<see cref="Metadata"/>: paging, omitted fields) and <c>data</c>.</summary>
public partial class InstanceListResponse : IListResponse<Instance>
{
}

/// <summary>One page of an extension's installations: <c>$meta</c> (<see cref="Metadata"/>: paging, omitted fields) and <c>data</c>.</summary>
public partial class InstallationListResponse : IListResponse<Installation>
{
}
