using System.Collections.Generic;

namespace Marketplace.Client;

/// <summary>What every generated list envelope (<c>{"$meta": ..., "data": [...]}</c>) has; lets one pager serve them all.</summary>
internal interface IListResponse<T> : IListResponse
{
    IReadOnlyList<T>? Data { get; }
}

/// <summary>A list envelope whatever its item type: what an operation's span reports about the page it returned.</summary>
internal interface IListResponse
{
    ListMetadata? Metadata { get; }

    /// <summary>How many items the page holds; <see langword="null"/> when it has no <c>data</c>.</summary>
    int? ItemCount { get; }
}
