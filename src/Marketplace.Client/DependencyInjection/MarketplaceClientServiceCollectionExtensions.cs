using System;
using System.Linq;
using Marketplace.Client;
using Marketplace.Client.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="MarketplaceClient"/> with <c>IHttpClientFactory</c> and the options pattern.</summary>
public static class MarketplaceClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> the factory creates for the client.</summary>
    public const string HttpClientName = "Marketplace.Client";

    /// <summary>
    /// Registers <see cref="IMarketplaceClient"/> and <see cref="MarketplaceClient"/> (transient, over pooled
    /// handlers from <c>IHttpClientFactory</c>) with the same token, retries, timeouts, decompression and logging as
    /// <see cref="MarketplaceClient(MarketplaceClientOptions, ILoggerFactory)"/>. Options come from
    /// <see cref="IOptionsMonitor{TOptions}"/> of <see cref="MarketplaceClientOptions"/>: <paramref name="configure"/>,
    /// and anything else that configures them (e.g. <c>services.Configure&lt;MarketplaceClientOptions&gt;(config.GetSection("Marketplace"))</c>);
    /// a token or setting reloaded from configuration is used from the next request (or the next client) on.
    /// Logging goes to the registered <see cref="ILoggerFactory"/>, category <c>Marketplace.Client</c>. Tokens come from
    /// <see cref="MarketplaceClientOptions.TokenProvider"/>, else from an <see cref="IMarketplaceTokenProvider"/> registered
    /// in the container, else from <see cref="MarketplaceClientOptions.Token"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; optional.</param>
    /// <returns>
    /// The HTTP client builder. Handlers added to it with <c>AddHttpMessageHandler</c> run below all of the client's
    /// (after redirects, once per request sent); for a handler per call or per attempt use
    /// <see cref="MarketplaceClientOptions.AddHandler"/>, and for the bottom of the pipeline <see cref="MarketplaceClientOptions.Transport"/>.
    /// </returns>
    /// <remarks>
    /// Calling it again (a library and the application both do, say) only adds <paramref name="configure"/>: the
    /// pipeline is registered once, so retries and timeouts never nest. Invalid options (no token, a non-https base URI)
    /// throw <see cref="InvalidOperationException"/> when the client is resolved, before any request.
    /// </remarks>
    public static IHttpClientBuilder AddMarketplaceClient(this IServiceCollection services, Action<MarketplaceClientOptions>? configure = null)
    {
        if (services is null) throw new ArgumentNullException(nameof(services));
        services.AddOptions<MarketplaceClientOptions>();
        if (configure is not null) services.Configure(configure);

        // Registered before: the named client already has its handlers, so adding them again would nest the retries.
        if (services.Any(d => d.ServiceType == typeof(Registration))) return services.AddHttpClient(HttpClientName);
        services.AddSingleton<Registration>();

        var builder = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient((provider, http) => MarketplaceHttp.Configure(http, ValidOptions(provider)))
            // The same bottom of the pipeline as the options constructor's (the options' Transport, or a handler that
            // decompresses and does not follow redirects): the factory's default would do neither.
            .ConfigurePrimaryHttpMessageHandler(provider => MarketplaceHttp.CreateTransport(ValidOptions(provider)))
            .ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
            {
                var monitor = provider.GetRequiredService<IOptionsMonitor<MarketplaceClientOptions>>();
                // The token is read for each request, so a reloaded one is used without waiting for new handlers.
                foreach (var handler in MarketplaceHttp.CreateHandlers(
                             ValidOptions(provider),
                             provider.GetService<ILoggerFactory>(),
                             () => monitor.CurrentValue.Token,
                             () => monitor.CurrentValue.TokenProvider ?? provider.GetService<IMarketplaceTokenProvider>()))
                    handlers.Add(handler);
            });
        builder.AddTypedClient<IMarketplaceClient>((http, provider) => new MarketplaceClient(http, ValidOptions(provider)));
        builder.AddTypedClient((http, provider) => new MarketplaceClient(http, ValidOptions(provider)));
        return builder;
    }

    private static MarketplaceClientOptions ValidOptions(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<MarketplaceClientOptions>>().CurrentValue;
        MarketplaceHttp.Validate(options, providerRegistered: provider.GetService<IMarketplaceTokenProvider>() is not null);
        return options;
    }

    // Marks a service collection that already has the client's pipeline.
    private sealed class Registration
    {
    }
}
