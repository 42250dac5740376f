using Maestro.RegistryService.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// What MLflow's API answers for each failure, in MLflow's shape and with the HTTP status MLflow gives
/// it: the MLflow side of the registry's error map (<see cref="RegistryErrors"/> is the <c>/api/v1</c> side).
/// A refused parameter is an <see cref="MlflowParameterException"/>, answered by the group's filter.
/// </summary>
internal static class MlflowErrors
{
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    /// <summary>The answer to a store outcome other than Done; <paramref name="version"/> and <paramref name="alias"/> are what was asked about.</summary>
    public static JsonHttpResult<MlflowError> For(StoreOutcome outcome, string name, int? version = null, string? alias = null) => outcome switch
    {
        StoreOutcome.ModelNotFound => ModelNotFound(name),
        StoreOutcome.VersionNotFound => VersionNotFound(name, version ?? 0),
        StoreOutcome.AliasNotFound => DoesNotExist($"Registered model alias {alias} not found."),
        StoreOutcome.NameTaken => AlreadyExists($"Registered Model (name={name}) already exists."),
        StoreOutcome.InProduction => InvalidParameter(
            $"Model Version (name={name}, version={version}) is in Production, which Maestro is serving: transition it to another stage first " +
            $"(model-versions/transition-stage), or delete it with DELETE /api/v1/models/{name}/versions/{version}?force=true."),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "MLflow's API has no answer of its own for this outcome."),
    };

    public static JsonHttpResult<MlflowError> DoesNotExist(string message) =>
        TypedResults.Json(new MlflowError(ResourceDoesNotExist, message), statusCode: StatusCodes.Status404NotFound);

    /// <summary>MLflow answers an existing name with 400, not 409.</summary>
    public static JsonHttpResult<MlflowError> AlreadyExists(string message) =>
        TypedResults.Json(new MlflowError(ResourceAlreadyExists, message), statusCode: StatusCodes.Status400BadRequest);

    public static JsonHttpResult<MlflowError> InvalidParameter(string message) =>
        TypedResults.Json(new MlflowError(InvalidParameterValue, message), statusCode: StatusCodes.Status400BadRequest);

    public static JsonHttpResult<MlflowError> ModelNotFound(string name) =>
        DoesNotExist($"Registered Model with name={name} not found.");

    public static JsonHttpResult<MlflowError> VersionNotFound(string name, int version) =>
        DoesNotExist($"Model Version (name={name}, version={version}) not found.");
}
