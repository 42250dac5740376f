using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.V2;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// The worker's one map from what went wrong to what the caller gets. Every endpoint answers through
/// it: RFC 9457 problem+json on the predict API, <c>{"error": "..."}</c> under <c>/v2</c>. An exception
/// the map does not know is a bug, left to the exception handler (500).
/// </summary>
internal static class WorkerErrors
{
    /// <summary>Outcomes of <c>maestro.inference.requests</c> that are not <c>success</c>.</summary>
    public const string ClientError = "client_error";
    public const string NotFound = "not_found";
    public const string Unavailable = "unavailable";

    /// <summary>What <paramref name="exception"/> means for the caller; <c>null</c> when it is not one the worker answers.</summary>
    public static WorkerError? Classify(Exception exception) => exception switch
    {
        PredictInputException or InferenceRequestException => new(StatusCodes.Status400BadRequest, ClientError, exception.Message),
        // Kestrel's own refusals while a body is read, such as one over its size limit (413).
        BadHttpRequestException refused => new(refused.StatusCode, ClientError, refused.Message),
        ModelNotFoundException => new(StatusCodes.Status404NotFound, NotFound, exception.Message),
        BatchQueueFullException => new(StatusCodes.Status503ServiceUnavailable, Unavailable, exception.Message, BatchQueueFullException.RetryAfterSeconds),
        RegistryUnavailableException or ModelLoadException => new(StatusCodes.Status503ServiceUnavailable, Unavailable, exception.Message),
        _ => null,
    };

    /// <summary>A problem document with a reason a person can act on.</summary>
    public static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    /// <summary>The V2 protocol's error body.</summary>
    public static JsonHttpResult<V2Error> V2(int status, string message) => TypedResults.Json(new V2Error(message), statusCode: status);
}
