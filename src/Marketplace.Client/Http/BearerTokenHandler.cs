using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace Marketplace.Client.Http;

/// <summary>
/// Adds <c>Authorization: Bearer</c> and <c>User-Agent: Marketplace.Client/&lt;version&gt;</c> to every request.
/// The token lives only here and in the header; nothing logs or prints either.
/// </summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    internal static readonly ProductInfoHeaderValue UserAgent = new(
        "Marketplace.Client",
        (typeof(BearerTokenHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0]);

    private readonly AuthenticationHeaderValue _authorization;

    public BearerTokenHandler(string token) => _authorization = new AuthenticationHeaderValue("Bearer", token);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        if (request.Headers.UserAgent.Count == 0) request.Headers.UserAgent.Add(UserAgent);
        return base.SendAsync(request, cancellationToken);
    }
}
