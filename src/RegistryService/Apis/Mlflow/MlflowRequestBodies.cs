namespace Maestro.RegistryService.Apis.Mlflow;

// The JSON bodies of MLflow's POST, PATCH and DELETE calls, as the OpenAPI document describes them.
// Handlers read them through MlflowRequest, which answers MLflow's errors for a missing or ill-typed
// field; versions are strings ("3"), as MLflow's clients send them.

/// <summary>Body of <c>registered-models/create</c>.</summary>
public sealed record MlflowCreateRegisteredModelBody(string Name, string? Description, IReadOnlyList<MlflowTag>? Tags);

/// <summary>Body of <c>registered-models/update</c>.</summary>
public sealed record MlflowUpdateRegisteredModelBody(string Name, string? Description);

/// <summary>Body of <c>registered-models/rename</c>.</summary>
public sealed record MlflowRenameRegisteredModelBody(string Name, string NewName);

/// <summary>Body of <c>registered-models/delete</c>.</summary>
public sealed record MlflowDeleteRegisteredModelBody(string Name);

/// <summary>Body of <c>registered-models/get-latest-versions</c> (POST); no stages means every stage.</summary>
public sealed record MlflowGetLatestVersionsBody(string Name, IReadOnlyList<string>? Stages);

/// <summary>Body of <c>registered-models/set-tag</c>.</summary>
public sealed record MlflowSetRegisteredModelTagBody(string Name, string Key, string Value);

/// <summary>Body of <c>registered-models/delete-tag</c>.</summary>
public sealed record MlflowDeleteRegisteredModelTagBody(string Name, string Key);

/// <summary>Body of <c>registered-models/alias</c> (POST).</summary>
public sealed record MlflowSetRegisteredModelAliasBody(string Name, string Alias, string Version);

/// <summary>Body of <c>registered-models/alias</c> (DELETE).</summary>
public sealed record MlflowDeleteRegisteredModelAliasBody(string Name, string Alias);

/// <summary>Body of <c>model-versions/create</c>; <see cref="Source"/> must name a version already in Maestro (see <see cref="ModelSources"/>).</summary>
public sealed record MlflowCreateModelVersionBody(
    string Name, string Source, string? RunId, string? RunLink, string? Description, IReadOnlyList<MlflowTag>? Tags);

/// <summary>Body of <c>model-versions/update</c>.</summary>
public sealed record MlflowUpdateModelVersionBody(string Name, string Version, string? Description);

/// <summary>Body of <c>model-versions/delete</c>.</summary>
public sealed record MlflowDeleteModelVersionBody(string Name, string Version);

/// <summary>Body of <c>model-versions/transition-stage</c>.</summary>
public sealed record MlflowTransitionModelVersionStageBody(string Name, string Version, string Stage, bool ArchiveExistingVersions);

/// <summary>Body of <c>model-versions/set-tag</c>.</summary>
public sealed record MlflowSetModelVersionTagBody(string Name, string Version, string Key, string Value);

/// <summary>Body of <c>model-versions/delete-tag</c>.</summary>
public sealed record MlflowDeleteModelVersionTagBody(string Name, string Version, string Key);
