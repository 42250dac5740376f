namespace Maestro.RegistryService.Model;

/// <summary>
/// Where a version registered through the MLflow API came from, as its caller described it.
/// Versions uploaded through <c>/api/v1</c> have none: their artifact is the origin.
/// </summary>
/// <param name="Source">The <c>source</c> URI the version was created from.</param>
/// <param name="RunId">The MLflow run the model came from, if the caller named one.</param>
/// <param name="RunLink">A link to that run, if the caller gave one.</param>
/// <param name="UserId">Who created the version (the caller the gateway forwarded).</param>
public sealed record VersionOrigin(string Source, string? RunId, string? RunLink, string? UserId);
