namespace Maestro.RegistryService.Model;

/// <summary>Body of <c>GET /api/v1/models/{name}/versions</c>.</summary>
public sealed record ModelVersionList(IReadOnlyList<ModelVersion> ModelVersions);
