using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Marketplace.Client.Query;

namespace Marketplace.Client;

// Hand-written half of MarketplaceClient for collections: ListAll…Async enumerations over the generated page
// methods, and overloads that take an RQL query. RQL goes straight into the query string (not as a named
// parameter), which the spec cannot describe, so the query reaches the generated method through an AsyncLocal
// that PrepareRequest reads: it flows into the call and no further, and concurrent calls never see each other's.
public partial class MarketplaceClient
{
    private static readonly AsyncLocal<RqlQuery?> PendingQuery = new();

    private int _pageSize = MarketplaceClientOptions.MaxPageSize;
    private int _prefetchPages = MarketplaceClientOptions.DefaultPrefetchPages;

    /// <summary>Lists one page of the instances of an extension that match <paramref name="query"/>.</summary>
    /// <param name="extensionId">The extension's ID, e.g. <c>EXT-6822-9898-4256</c>.</param>
    /// <param name="query">Filter, order and selection; <see langword="null"/> for none.</param>
    /// <param name="limit">How many items to return, 0 to 100; <see langword="null"/> for the server's default.</param>
    /// <param name="offset">How many items to skip.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MarketplaceApiException">The API answered with an error or an unreadable body.</exception>
    public async Task<InstanceListResponse> ListExtensionInstancesAsync(string extensionId, RqlQuery? query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default)
    {
        PendingQuery.Value = query;
        return await ListExtensionInstancesAsync(extensionId, limit, offset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists one page of the installations of an extension that match <paramref name="query"/>.</summary>
    /// <param name="extensionId">The extension's ID, e.g. <c>EXT-6822-9898-4256</c>.</param>
    /// <param name="query">Filter, order and selection; <see langword="null"/> for none.</param>
    /// <param name="limit">How many items to return, 0 to 100; <see langword="null"/> for the server's default.</param>
    /// <param name="offset">How many items to skip.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="MarketplaceApiException">The API answered with an error or an unreadable body.</exception>
    public async Task<InstallationListResponse> ListInstallationsAsync(string extensionId, RqlQuery? query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default)
    {
        PendingQuery.Value = query;
        return await ListInstallationsAsync(extensionId, limit, offset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every instance of an extension that matches <paramref name="query"/>, fetched page by page as you enumerate:
    /// <c>await foreach (var instance in client.ListAllExtensionInstancesAsync("EXT-…"))</c>.
    /// </summary>
    /// <param name="extensionId">The extension's ID.</param>
    /// <param name="query">Filter, order and selection; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="extensionId"/> is null.</exception>
    public MarketplacePageable<Instance> ListAllExtensionInstancesAsync(string extensionId, RqlQuery? query = null, CancellationToken cancellationToken = default)
    {
        if (extensionId is null) throw new ArgumentNullException(nameof(extensionId));
        return Pageable<Instance>(
            async (limit, offset, ct) => await ListExtensionInstancesAsync(extensionId, query, limit, offset, ct).ConfigureAwait(false),
            static instance => instance.Id,
            cancellationToken);
    }

    /// <summary>
    /// Every installation of an extension that matches <paramref name="query"/>, fetched page by page as you enumerate:
    /// <c>await foreach (var installation in client.ListAllInstallationsAsync("EXT-…"))</c>.
    /// </summary>
    /// <param name="extensionId">The extension's ID.</param>
    /// <param name="query">Filter, order and selection; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="extensionId"/> is null.</exception>
    public MarketplacePageable<Installation> ListAllInstallationsAsync(string extensionId, RqlQuery? query = null, CancellationToken cancellationToken = default)
    {
        if (extensionId is null) throw new ArgumentNullException(nameof(extensionId));
        return Pageable<Installation>(
            async (limit, offset, ct) => await ListInstallationsAsync(extensionId, query, limit, offset, ct).ConfigureAwait(false),
            static installation => installation.Id,
            cancellationToken);
    }

    // One page fetcher per collection; paging, prefetch and the contract checks are MarketplacePageable's.
    private MarketplacePageable<T> Pageable<T>(MarketplacePageable<T>.PageFetcher fetch, Func<T, string?> identity, CancellationToken cancellationToken) =>
        new(fetch, identity, _pageSize, _prefetchPages, cancellationToken);

#pragma warning disable CA1822 // The generated declaration of this partial method is an instance method.
    partial void PrepareRequest(System.Net.Http.HttpClient client, System.Net.Http.HttpRequestMessage request, StringBuilder urlBuilder)
#pragma warning restore CA1822
    {
        var query = PendingQuery.Value?.ToQueryString();
        if (string.IsNullOrEmpty(query)) return;
        urlBuilder.Append(HasQuery(urlBuilder) ? '&' : '?').Append(query);
    }

    private static bool HasQuery(StringBuilder url)
    {
        for (var i = 0; i < url.Length; i++)
        {
            if (url[i] == '?') return true;
        }
        return false;
    }
}

/// <summary>The collection methods of <see cref="MarketplaceClient"/>, on its interface for mocking.</summary>
public partial interface IMarketplaceClient
{
    /// <inheritdoc cref="MarketplaceClient.ListExtensionInstancesAsync(string, RqlQuery?, int?, int?, CancellationToken)"/>
    Task<InstanceListResponse> ListExtensionInstancesAsync(string extensionId, RqlQuery? query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="MarketplaceClient.ListInstallationsAsync(string, RqlQuery?, int?, int?, CancellationToken)"/>
    Task<InstallationListResponse> ListInstallationsAsync(string extensionId, RqlQuery? query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="MarketplaceClient.ListAllExtensionInstancesAsync(string, RqlQuery?, CancellationToken)"/>
    MarketplacePageable<Instance> ListAllExtensionInstancesAsync(string extensionId, RqlQuery? query = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="MarketplaceClient.ListAllInstallationsAsync(string, RqlQuery?, CancellationToken)"/>
    MarketplacePageable<Installation> ListAllInstallationsAsync(string extensionId, RqlQuery? query = null, CancellationToken cancellationToken = default);
}
