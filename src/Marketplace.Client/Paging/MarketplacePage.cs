using System;
using System.Collections.Generic;

namespace Marketplace.Client;

/// <summary>One page of a collection, with the <c>$meta</c> the API sent along with it.</summary>
/// <typeparam name="T">The item type, e.g. <see cref="Instance"/>.</typeparam>
public sealed class MarketplacePage<T>
{
    internal MarketplacePage(IReadOnlyList<T> items, int offset, int limit, int? total, IReadOnlyList<string> omitted)
    {
        Items = items;
        Offset = offset;
        Limit = limit;
        Total = total;
        Omitted = omitted;
    }

    /// <summary>The page's items, in server order (never <see langword="null"/>).</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>How many items precede this page in the collection.</summary>
    public int Offset { get; }

    /// <summary>The page size the server applied (it caps requests above 100).</summary>
    public int Limit { get; }

    /// <summary>How many items the whole collection holds, or <see langword="null"/> when the server did not say.</summary>
    public int? Total { get; }

    /// <summary>Fields the server left out of the items by default (<c>$meta.omitted</c>), e.g. <c>audit</c>; add them with <c>select=+field</c>.</summary>
    public IReadOnlyList<string> Omitted { get; }
}
