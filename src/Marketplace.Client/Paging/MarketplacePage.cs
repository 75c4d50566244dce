using System;
using System.Collections.Generic;

namespace Marketplace.Client;

/// <summary>One page of a collection, with the <c>$meta</c> the API sent along with it.</summary>
/// <remarks>
/// The client creates pages as it reads them; a test of your own code creates them with <see cref="FromItems"/> and
/// hands them to <see cref="MarketplacePageable{T}.FromPages"/>.
/// </remarks>
/// <typeparam name="T">The item type, e.g. <see cref="Instance"/>.</typeparam>
public sealed class MarketplacePage<T>
{
    /// <summary>
    /// A page holding <paramref name="items"/>, as the server would have sent it: for fakes in tests of code that takes
    /// pages or a <see cref="MarketplacePageable{T}"/> (see <see cref="MarketplacePageable{T}.FromPages"/>).
    /// </summary>
    /// <param name="items">The page's items, in order.</param>
    /// <param name="offset">How many items precede the page in the collection.</param>
    /// <param name="total">How many items the whole collection holds; <see langword="null"/> for a server that does not say.</param>
    /// <returns>A page whose <see cref="Limit"/> is 100 (the platform's page size), or the item count when that is larger, and that omits no fields.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> or <paramref name="total"/> is negative.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "A test finds the factory on the type it makes, as with Azure's Page<T>.FromValues.")]
    public static MarketplacePage<T> FromItems(IReadOnlyList<T> items, int offset = 0, int? total = null)
    {
        if (items is null) throw new ArgumentNullException(nameof(items));
        if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), offset, "An offset cannot be negative.");
        if (total < 0) throw new ArgumentOutOfRangeException(nameof(total), total, "A total cannot be negative.");
        return new MarketplacePage<T>(items, offset, Math.Max(items.Count, MarketplaceClientOptions.MaxPageSize), total, Array.Empty<string>());
    }

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
