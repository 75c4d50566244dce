namespace Marketplace.Client;

// Hand-written half of the generated InstanceListResponse: declares IListResponse<Instance> (its members are
// generated) so MarketplacePageable can page it. NSwag has no setting to add an internal interface to one DTO.

/// <summary>One page of an extension's instances: <c>$meta</c> (<see cref="Metadata"/>: paging, omitted fields) and <c>data</c>.</summary>
public partial class InstanceListResponse : IListResponse<Instance>
{
}
