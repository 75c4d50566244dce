using System.Text;
using System.Threading;

namespace Marketplace.Client;

// Hand-written half of the generated (internal) MarketplaceRestClient for RQL: the query goes straight into the query
// string (not as a named parameter), which the spec cannot describe, so it reaches the generated request through an
// AsyncLocal that PrepareRequest reads: set by MarketplaceClient.WithQueryAsync, it flows into that one call and no
// further, and concurrent calls never see each other's.
internal partial class MarketplaceRestClient
{
    internal static readonly AsyncLocal<Query.RqlQuery?> PendingQuery = new();

    // The operation the pending call belongs to (set only while traces or metrics are listened to), for the handlers.
    internal static readonly AsyncLocal<Diagnostics.OperationInfo?> PendingOperation = new();

#pragma warning disable CA1822 // The generated declaration of this partial method is an instance method.
    partial void PrepareRequest(System.Net.Http.HttpClient client, System.Net.Http.HttpRequestMessage request, StringBuilder urlBuilder)
#pragma warning restore CA1822
    {
        if (PendingOperation.Value is { } operation) Http.RequestState.SetOperation(request, operation);
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
