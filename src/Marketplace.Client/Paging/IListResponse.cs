using System.Collections.Generic;

namespace Marketplace.Client;

/// <summary>What every generated list envelope (<c>{"$meta": ..., "data": [...]}</c>) has; lets one pager serve them all.</summary>
internal interface IListResponse<T>
{
    ListMetadata? Metadata { get; }

    IReadOnlyList<T>? Data { get; }
}
