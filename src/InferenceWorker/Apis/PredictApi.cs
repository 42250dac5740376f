using System.Diagnostics;
using System.Text.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.Seed;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// The seed protocol per model: <c>predict</c>, <c>batch_predict</c> and <c>health</c> under
/// <c>/api/v1/models/{name}</c>, so the seed's own client works with
/// <c>base_url = &lt;gateway&gt;/api/v1/models/&lt;name&gt;</c>. Errors are problem+json.
/// </summary>
public static class PredictApi
{
    public const int MaxBatchSize = 100;

    private static readonly DateTime ProcessStartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static RouteGroupBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/models/{name}").WithTags("Predictions");

        api.MapPost("/predict", Predict)
            .WithName("Predict").WithSummary("Predict one row of features with the model's serving version")
            .Accepts<PredictRequest>("application/json");
        api.MapPost("/batch_predict", BatchPredict)
            .WithName("BatchPredict").WithSummary($"Predict up to {MaxBatchSize} rows in one call")
            .Accepts<BatchPredictRequest>("application/json");
        api.MapGet("/health", Health)
            .WithName("ModelHealth").WithSummary("Whether this worker has the model loaded, and which version");

        return api;
    }

    internal static async Task<Results<Ok<PredictResponse>, ProblemHttpResult>> Predict(
        string name, HttpRequest request, ModelRepository models, ModelBatchers batchers, WorkerTelemetry telemetry, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (body, problem) = await ReadAsync<PredictRequest>(request, json, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Features is null)
        {
            return BadRequest("The body needs 'features': an array of numbers.");
        }

        return await RunAsync(name, request.HttpContext.Response, models, batchers, telemetry, [body.Features], cancellationToken, (model, outcomes) =>
            TypedResults.Ok(Response(model, outcomes[0], body.Metadata?.RequestId, started)));
    }

    internal static async Task<Results<Ok<BatchPredictResponse>, ProblemHttpResult>> BatchPredict(
        string name, HttpRequest request, ModelRepository models, ModelBatchers batchers, WorkerTelemetry telemetry, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (body, problem) = await ReadAsync<BatchPredictRequest>(request, json, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var requests = body!.Requests;
        if (requests is null || requests.Length == 0 || requests.Length > MaxBatchSize)
        {
            return BadRequest($"'requests' must hold 1 to {MaxBatchSize} predict requests; it holds {requests?.Length ?? 0}.");
        }

        if (Array.FindIndex(requests, r => r?.Features is null) is var missing and >= 0)
        {
            return BadRequest($"Request {missing} needs 'features': an array of numbers.");
        }

        return await RunAsync(name, request.HttpContext.Response, models, batchers, telemetry, requests.Select(r => r.Features!).ToArray(), cancellationToken, (model, outcomes) =>
        {
            var predictions = outcomes.Select((outcome, i) => Response(model, outcome, requests[i].Metadata?.RequestId, started)).ToArray();
            return TypedResults.Ok(new BatchPredictResponse(predictions, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        });
    }

    internal static async Task<Results<Ok<ModelHealthResponse>, ProblemHttpResult>> Health(
        string name, ModelRepository models, CancellationToken cancellationToken)
    {
        var uptime = (DateTime.UtcNow - ProcessStartedAt).TotalSeconds;
        try
        {
            using var lease = await models.AcquireAsync(name, cancellationToken);
            return TypedResults.Ok(new ModelHealthResponse("healthy", uptime, true, lease.Model.Version.ToString()));
        }
        catch (ModelNotFoundException ex)
        {
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (Exception ex) when (ex is RegistryUnavailableException or ModelLoadException)
        {
            var loaded = models.Peek(name);
            return TypedResults.Ok(new ModelHealthResponse("unhealthy", uptime, loaded is not null, loaded?.Version.ToString() ?? ""));
        }
    }

    private static PredictResponse Response(LoadedModel model, (double Prediction, double Probability) outcome, string? requestId, long started) =>
        new(outcome.Prediction, outcome.Probability, model.Version.ToString(),
            string.IsNullOrEmpty(requestId) ? Guid.NewGuid().ToString() : requestId,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private static async Task<Results<Ok<T>, ProblemHttpResult>> RunAsync<T>(
        string name,
        HttpResponse response,
        ModelRepository models,
        ModelBatchers batchers,
        WorkerTelemetry telemetry,
        IReadOnlyList<double[]> rows,
        CancellationToken cancellationToken,
        Func<LoadedModel, (double, double)[], Ok<T>> respond)
    {
        try
        {
            using var lease = await models.AcquireAsync(name, cancellationToken);
            var computeStarted = Stopwatch.GetTimestamp();
            // The lease is held until the batch this request joins has run, so the version stays loaded.
            var outcomes = await SeedPredictor.PredictAsync(lease.Model, rows, batchers, cancellationToken);
            telemetry.Record(name, Api, "success", Stopwatch.GetElapsedTime(computeStarted));
            return respond(lease.Model, outcomes);
        }
        catch (SeedInputException ex)
        {
            telemetry.Record(name, Api, "client_error");
            return BadRequest(ex.Message);
        }
        catch (ModelNotFoundException ex)
        {
            telemetry.Record(name, Api, "not_found");
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (BatchQueueFullException ex)
        {
            telemetry.Record(name, Api, "unavailable");
            response.Headers.RetryAfter = BatchQueueFullException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (ex is RegistryUnavailableException or ModelLoadException)
        {
            telemetry.Record(name, Api, "unavailable");
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private const string Api = "seed";

    private static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, TypedResults.Problem(detail: "Send the body as JSON with Content-Type: application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(json.Value.SerializerOptions, cancellationToken);
            return body is null ? (default, BadRequest("The body is empty or null; send a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (default, BadRequest($"The body is not valid for this endpoint: {ex.Message}"));
        }
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
