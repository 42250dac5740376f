using System.Diagnostics;
using System.Text.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// The predict API per model, as the seed document has it: <c>predict</c>, <c>batch_predict</c> and
/// <c>health</c> under <c>/api/v1/models/{name}</c>, so the seed's own client works with
/// <c>base_url = &lt;gateway&gt;/api/v1/models/&lt;name&gt;</c>. Errors are problem+json (<see cref="WorkerErrors"/>).
/// </summary>
public static class PredictApi
{
    public const int MaxBatchSize = 100;

    /// <summary>The <c>api</c> of <c>maestro.inference.requests</c>.</summary>
    private const string Api = "predict";

    public static RouteGroupBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        // Uptime counts from here: the worker maps its routes as it starts.
        app.ServiceProvider.GetRequiredService<WorkerUptime>();
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
        var (body, problem) = await ReadAsync(request, json, PredictBody.ReadAsync, cancellationToken);
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
        var (body, problem) = await ReadAsync(request, json, static (request, options, cancellationToken) =>
            request.ReadFromJsonAsync<BatchPredictRequest>(options, cancellationToken), cancellationToken);
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
        string name, ModelRepository models, WorkerUptime uptime, HttpResponse response, CancellationToken cancellationToken)
    {
        try
        {
            using var lease = await models.AcquireAsync(name, cancellationToken);
            return TypedResults.Ok(new ModelHealthResponse("healthy", uptime.Seconds, true, lease.Model.Version.ToString()));
        }
        catch (Exception ex) when (ex is RegistryUnavailableException or ModelLoadException)
        {
            // The model cannot be loaded here right now: that is what a health check reports, not an error.
            var loaded = models.Peek(name);
            return TypedResults.Ok(new ModelHealthResponse("unhealthy", uptime.Seconds, loaded is not null, loaded?.Version.ToString() ?? ""));
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            return error.ToProblem(response);
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
            var outcomes = await Predictor.PredictAsync(lease.Model, rows, batchers, cancellationToken);
            telemetry.Record(name, Api, "success", Stopwatch.GetElapsedTime(computeStarted));
            return respond(lease.Model, outcomes);
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            telemetry.Record(name, Api, error.Outcome);
            return error.ToProblem(response);
        }
    }

    private static async ValueTask<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, IOptions<JsonOptions> json, Func<HttpRequest, JsonSerializerOptions, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
    {
        if (!PredictBody.IsPlainJson(request.ContentType) && !request.HasJsonContentType())
        {
            return (default, WorkerErrors.Problem(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json."));
        }

        try
        {
            var body = await read(request, json.Value.SerializerOptions, cancellationToken);
            return body is null ? (default, BadRequest("The body is empty or null; send a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (default, BadRequest($"The body is not valid for this endpoint: {ex.Message}"));
        }
    }

    private static ProblemHttpResult BadRequest(string detail) => WorkerErrors.Problem(StatusCodes.Status400BadRequest, detail);
}
