namespace Maestro.RegistryService.Model;

/// <summary>
/// One entry of the change feed: something that can alter which version serves <see cref="Model"/>.
/// The same JSON object is listed by <c>GET /api/v1/changes</c> and published on Redis.
/// </summary>
/// <param name="Sequence">Strictly increasing over the whole registry.</param>
/// <param name="Kind">One of <see cref="ChangeKinds"/>.</param>
/// <param name="Version">The version concerned, as a string; <c>null</c> for a whole-model change.</param>
/// <param name="Timestamp">When, in Unix milliseconds.</param>
public sealed record RegistryChange(long Sequence, string Model, string Kind, string? Version, long Timestamp);

/// <summary>Body of <c>GET /api/v1/changes</c>.</summary>
/// <param name="LastSequence">The highest sequence in the store (0 when it has none), whatever the page holds.</param>
public sealed record ChangePage(IReadOnlyList<RegistryChange> Changes, long LastSequence);

/// <summary>The <see cref="RegistryChange.Kind"/> names of the change feed.</summary>
public static class ChangeKinds
{
    public const string VersionCreated = "version_created";
    public const string StageChanged = "stage_changed";
    public const string AliasSet = "alias_set";
    public const string AliasDeleted = "alias_deleted";
    public const string VersionDeleted = "version_deleted";
    public const string ModelDeleted = "model_deleted";
    public const string ModelRenamed = "model_renamed";
}
