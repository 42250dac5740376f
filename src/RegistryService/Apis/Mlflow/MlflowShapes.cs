using System.Text.Json.Serialization;

namespace Maestro.RegistryService.Apis.Mlflow;

// The JSON MLflow's registry speaks (mlflow/protos/model_registry.proto), in the registry's
// snake_case. Unset optional fields are left out, as MLflow leaves them out.

/// <summary>MLflow's <c>RegisteredModel</c>.</summary>
/// <param name="LatestVersions">The newest version in each stage that has one.</param>
public sealed record MlflowRegisteredModel(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    IReadOnlyList<MlflowModelVersion> LatestVersions,
    IReadOnlyList<MlflowTag> Tags,
    IReadOnlyList<MlflowAlias> Aliases);

/// <summary>MLflow's <c>ModelVersion</c>; <see cref="Version"/> is a string, as in MLflow.</summary>
/// <param name="Source">Where the version's model came from: the <c>source</c> it was created with, or for an uploaded version its artifact's download URI.</param>
/// <param name="Status">Always <c>READY</c>: a version exists only once its artifact is stored.</param>
/// <param name="Aliases">The model's aliases that point at this version.</param>
public sealed record MlflowModelVersion(
    string Name,
    string Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    string CurrentStage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RunId,
    string Status,
    IReadOnlyList<MlflowTag> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RunLink,
    IReadOnlyList<string> Aliases);

/// <summary>A tag, <c>{"key": …, "value": …}</c>.</summary>
public sealed record MlflowTag(string Key, string Value);

/// <summary>A registered model's alias and the version (a string) it points at.</summary>
public sealed record MlflowAlias(string Alias, string Version);

/// <summary><c>{"registered_model": …}</c>.</summary>
public sealed record MlflowRegisteredModelResponse(MlflowRegisteredModel RegisteredModel);

/// <summary><c>{"model_version": …}</c>.</summary>
public sealed record MlflowModelVersionResponse(MlflowModelVersion ModelVersion);

/// <summary>A page of <c>registered-models/search</c>; <c>next_page_token</c> only when more follow.</summary>
public sealed record MlflowRegisteredModelsPage(
    IReadOnlyList<MlflowRegisteredModel> RegisteredModels,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextPageToken);

/// <summary>A page of <c>model-versions/search</c>, or the answer of <c>get-latest-versions</c> (never a token).</summary>
public sealed record MlflowModelVersionsPage(
    IReadOnlyList<MlflowModelVersion> ModelVersions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextPageToken);

/// <summary><c>{"artifact_uri": …}</c> of <c>model-versions/get-download-uri</c>.</summary>
public sealed record MlflowDownloadUri(string ArtifactUri);

/// <summary><c>{}</c>: what MLflow answers to deletes, tags and aliases.</summary>
public sealed record MlflowEmpty;
