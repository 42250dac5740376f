// The request bodies of /api/v1, side by side: declarative wire shapes, one line each.
namespace Maestro.RegistryService.Model;

/// <summary>Body of <c>POST /api/v1/models</c>.</summary>
public sealed record CreateModelRequest(string? Name, string? Description, Dictionary<string, string>? Tags);

/// <summary>Body of <c>POST /api/v1/models/{name}/versions/{version}/stage</c>.</summary>
public sealed record TransitionStageRequest(string? Stage, bool ArchiveExistingVersions = false);

/// <summary>Body of <c>PATCH /api/v1/models/{name}</c>.</summary>
public sealed record UpdateModelRequest(string? Description);

/// <summary>Body of <c>PUT /api/v1/models/{name}/aliases/{alias}</c>.</summary>
public sealed record SetAliasRequest(int? Version);

/// <summary>Body of the tag endpoints.</summary>
public sealed record SetTagRequest(string? Key, string? Value);
