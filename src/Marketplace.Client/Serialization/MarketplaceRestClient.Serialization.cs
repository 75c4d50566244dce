using Marketplace.Client.Serialization;

namespace Marketplace.Client;

// Hand-written half of the generated (internal) MarketplaceRestClient for JSON: the generated client asks this partial
// method for its serializer settings; the answer is MarketplaceJson's, so reading a response and writing it back agree.
internal partial class MarketplaceRestClient
{
    static partial void UpdateJsonSerializerSettings(Newtonsoft.Json.JsonSerializerSettings settings) => MarketplaceJson.Configure(settings);
}
