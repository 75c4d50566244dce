namespace Marketplace.Client;

// Hand-written half of the generated InstallationListResponse: declares IListResponse<Installation> (its members
// are generated) so MarketplacePageable can page it. NSwag has no setting to add an internal interface to one DTO.

/// <summary>One page of an extension's installations: <c>$meta</c> (<see cref="Metadata"/>: paging, omitted fields) and <c>data</c>.</summary>
public partial class InstallationListResponse : IListResponse<Installation>
{
}
