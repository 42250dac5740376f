using System.Text.Json;

namespace Maestro.RegistryService.Model;

/// <summary>
/// What a team publishes about one model version: the registry's own facts about it, which nobody
/// edits by hand, and the written <see cref="Sections"/> (<see cref="ModelCardSections"/>).
/// </summary>
/// <param name="ModelDescription">The registered model's description.</param>
/// <param name="Description">The version's own description, given at upload.</param>
/// <param name="Tags">The model's tags.</param>
/// <param name="VersionTags">The version's tags.</param>
/// <param name="Sections">Stored sections by name, each the JSON object, array or string it was stored as.</param>
public sealed record ModelCard(
    string Name,
    int Version,
    string? ModelDescription,
    string? Description,
    ModelSignature Signature,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> VersionTags,
    string CurrentStage,
    string Sha256,
    long SizeBytes,
    string? Producer,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    IReadOnlyDictionary<string, JsonElement> Sections)
{
    /// <summary>Every stage change of the version, oldest first, from the audit trail.</summary>
    public IReadOnlyList<StageTransition> StageHistory { get; init; } = [];
}
