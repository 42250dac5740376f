using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// The registry's one map from what went wrong to what a caller of <c>/api/v1</c> gets: RFC 9457
/// problem documents with a reason a person can act on, for every <see cref="StoreOutcome"/> and every
/// exception a request can cause. (MLflow's API answers the same outcomes in MLflow's own shape:
/// <see cref="Mlflow.MlflowErrors"/>.)
/// </summary>
internal static class RegistryErrors
{
    /// <summary>
    /// The answer to a store outcome other than Done. <paramref name="version"/> is the version asked
    /// about, <paramref name="label"/> the alias or tag key.
    /// </summary>
    public static ProblemHttpResult Problem(StoreOutcome outcome, string name, int? version = null, string? label = null) => outcome switch
    {
        StoreOutcome.ModelNotFound => ModelNotFound(name),
        StoreOutcome.VersionNotFound => VersionNotFound(name, version ?? 0),
        StoreOutcome.AliasNotFound => NotFound($"Model '{name}' has no alias '{label}'."),
        StoreOutcome.TagNotFound => NotFound(version is null ? $"Model '{name}' has no tag '{label}'." : $"Model '{name}' version {version} has no tag '{label}'."),
        StoreOutcome.NameTaken => Conflict($"A model named '{name}' already exists."),
        StoreOutcome.Stale => PreconditionFailed(
            $"Model '{name}' changed since the If-Match ETag was read: GET it again, check the change still applies, and send its new ETag."),
        StoreOutcome.InProduction => Conflict(
            $"Model '{name}' version {version} is in Production; move it to another stage first, or delete with force=true."),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Done is not an error."),
    };

    /// <summary>The answer to an exception a request caused; <c>null</c> for one the registry does not answer (a bug: 500).</summary>
    public static ProblemHttpResult? Problem(Exception exception) => exception switch
    {
        FilterSyntaxException => BadRequest(exception.Message),
        InvalidUploadException => BadRequest(exception.Message),
        UploadTooLargeException => BadRequest(exception.Message, StatusCodes.Status413PayloadTooLarge),
        InvalidModelException => UnprocessableEntity($"ONNX Runtime cannot load the file: {exception.Message}"),
        _ => null,
    };

    public static ProblemHttpResult BadRequest(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(detail: detail, statusCode: status);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult UnprocessableEntity(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status412PreconditionFailed);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult ModelNotFound(string name) => NotFound($"No model named '{name}' is registered.");

    public static ProblemHttpResult VersionNotFound(string name, int version) => NotFound($"Model '{name}' has no version {version}.");
}
