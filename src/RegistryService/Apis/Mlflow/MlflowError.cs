using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>MLflow's error body: <c>{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…"}</c>.</summary>
public sealed record MlflowError(string ErrorCode, string Message);

/// <summary>The MLflow errors the registry answers, with the HTTP status MLflow gives each.</summary>
internal static class MlflowErrors
{
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

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
