namespace Maestro.RegistryService.Model;

/// <summary>A page of <c>GET /api/v1/models/{name}/events</c>, newest first; <c>next_page_token</c> is absent on the last page.</summary>
public sealed record RegistryEventPage(IReadOnlyList<RegistryEvent> Events, string? NextPageToken);
