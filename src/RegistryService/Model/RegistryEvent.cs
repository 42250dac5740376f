namespace Maestro.RegistryService.Model;

/// <summary>One entry of a model's audit trail: who changed what, when, from what, to what.</summary>
/// <param name="Id">Increases with every event in the registry; the trail's order.</param>
/// <param name="Timestamp">When, in Unix milliseconds.</param>
/// <param name="Actor">The caller's key id or token subject (<c>X-Maestro-Caller</c>), or <c>anonymous</c>.</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Version">The version it concerns, when it concerns one.</param>
/// <param name="Key">
/// What within the model or version: the tag key, the alias, the model card section, the model
/// field (<c>description</c>), or <c>archive_existing_versions</c> for a version archived because
/// another one entered its stage.
/// </param>
/// <param name="From">The value before (a stage, a version number, a tag value), when there was one.</param>
/// <param name="To">The value after, when there is one.</param>
public sealed record RegistryEvent(long Id, long Timestamp, string Actor, string Action, int? Version, string? Key, string? From, string? To);
