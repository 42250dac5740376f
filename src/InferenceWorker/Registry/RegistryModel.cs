namespace Maestro.InferenceWorker.Registry;

/// <summary>The parts of a registered model the worker needs to pick a version.</summary>
internal sealed record RegistryModel(
    string Name,
    IReadOnlyList<RegistryModelVersion> LatestVersions,
    IReadOnlyDictionary<string, int>? Aliases,
    IReadOnlyDictionary<string, string>? Tags = null);
