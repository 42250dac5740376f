namespace Maestro.InferenceWorker.Registry;

/// <summary>
/// One entry of the registry's change feed: something happened to <see cref="Model"/> that can alter
/// which version serves it (a version created or deleted, a stage transition, an alias set or deleted,
/// the model deleted or renamed). Sequences strictly increase.
/// </summary>
internal sealed record RegistryChange(long Sequence, string Model, string Kind, string? Version, long Timestamp);

/// <summary>
/// <c>GET /api/v1/changes?since=N</c>: the changes after sequence N in ascending order, and the store's
/// highest sequence (0 when it has none).
/// </summary>
internal sealed record RegistryChangePage(IReadOnlyList<RegistryChange> Changes, long LastSequence);
