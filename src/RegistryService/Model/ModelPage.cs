namespace Maestro.RegistryService.Model;

/// <summary>A page of <c>GET /api/v1/models</c>; <c>next_page_token</c> is absent on the last page.</summary>
public sealed record ModelPage(IReadOnlyList<RegisteredModel> Models, string? NextPageToken);
