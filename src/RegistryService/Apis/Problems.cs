using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis;

/// <summary>RFC 9457 problem documents with a reason a person can act on.</summary>
internal static class Problems
{
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

    public static ProblemHttpResult ModelNotFound(string name) =>
        TypedResults.Problem(detail: $"No model named '{name}' is registered.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult VersionNotFound(string name, int version) =>
        TypedResults.Problem(detail: $"Model '{name}' has no version {version}.", statusCode: StatusCodes.Status404NotFound);
}
