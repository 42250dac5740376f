namespace Maestro.RegistryService.Model;

/// <summary>Body of <c>POST /api/v1/models</c>.</summary>
public sealed record CreateModelRequest(string? Name, string? Description, Dictionary<string, string>? Tags);

/// <summary>Body of <c>POST /api/v1/models/{name}/versions/{version}/stage</c>.</summary>
public sealed record TransitionStageRequest(string? Stage, bool ArchiveExistingVersions = false);

/// <summary>Body of <c>PATCH /api/v1/models/{name}</c>.</summary>
public sealed record UpdateModelRequest(string? Description);
