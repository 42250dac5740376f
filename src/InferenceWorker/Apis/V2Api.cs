using System.Diagnostics;
using System.Globalization;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Onnx;
using Maestro.InferenceWorker.Telemetry;
using Maestro.InferenceWorker.V2;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// The Open Inference Protocol v2 (KServe / Triton REST), with Triton's binary tensor data extension.
/// Every model route also exists under <c>/versions/{version}</c>, which serves that version even when
/// another one serves the name. Errors are <c>{"error": "..."}</c> with 400, 404 or 503, as V2 clients
/// expect (<see cref="WorkerErrors"/>).
/// </summary>
public static class V2Api
{
    public const string ServerName = "maestro";
    public const string ServerVersion = "0.1.0";

    /// <summary>The protocol extensions this server implements, as <c>GET /v2</c> lists them.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data"];

    public static RouteGroupBuilder MapV2Api(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol v2");

        v2.MapGet("/", () => TypedResults.Ok(new V2ServerMetadata(ServerName, ServerVersion, Extensions)))
            .WithName("V2ServerMetadata").WithSummary("Server name, version and protocol extensions");
        v2.MapGet("/health/live", () => TypedResults.Ok())
            .WithName("V2ServerLive").WithSummary("200 while the server process is up");
        v2.MapGet("/health/ready", () => TypedResults.Ok())
            .WithName("V2ServerReady").WithSummary("200 when the server accepts inference requests");

        v2.MapGet("/models/{name}", ModelMetadata)
            .WithName("V2ModelMetadata").WithSummary("The serving version's inputs and outputs")
            .ProducesModelErrors();
        v2.MapGet("/models/{name}/versions/{version}", VersionMetadata)
            .WithName("V2ModelVersionMetadata").WithSummary("One version's inputs and outputs")
            .ProducesModelErrors();
        v2.MapGet("/models/{name}/ready", ModelReady)
            .WithName("V2ModelReady").WithSummary("200 when the serving version is loaded or can be loaded")
            .ProducesModelErrors();
        v2.MapGet("/models/{name}/versions/{version}/ready", VersionReady)
            .WithName("V2ModelVersionReady").WithSummary("200 when this version is loaded or can be loaded")
            .ProducesModelErrors();
        v2.MapPost("/models/{name}/infer", Infer)
            .WithName("V2Infer").WithSummary("Run the serving version of a model on V2 tensors (JSON or binary tensor data)")
            .ProducesInference();
        v2.MapPost("/models/{name}/versions/{version}/infer", InferVersion)
            .WithName("V2InferVersion").WithSummary("Run one version of a model on V2 tensors (JSON or binary tensor data)")
            .ProducesInference();

        return v2;
    }

    internal static Task<IResult> ModelMetadata(string name, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        MetadataAsync(name, version: null, models, response, cancellationToken);

    internal static Task<IResult> VersionMetadata(string name, string version, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        MetadataAsync(name, version, models, response, cancellationToken);

    internal static Task<IResult> ModelReady(string name, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        ReadyAsync(name, version: null, models, response, cancellationToken);

    internal static Task<IResult> VersionReady(string name, string version, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        ReadyAsync(name, version, models, response, cancellationToken);

    internal static Task<IResult> Infer(
        string name, HttpRequest request, ModelRepository models, ModelBatchers batchers, WorkerTelemetry telemetry, CancellationToken cancellationToken) =>
        InferAsync(name, version: null, request, models, batchers, telemetry, cancellationToken);

    internal static Task<IResult> InferVersion(
        string name, string version, HttpRequest request, ModelRepository models, ModelBatchers batchers, WorkerTelemetry telemetry, CancellationToken cancellationToken) =>
        InferAsync(name, version, request, models, batchers, telemetry, cancellationToken);

    private static Task<IResult> MetadataAsync(string name, string? version, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        WithModelAsync(name, version, models, telemetry: null, response, cancellationToken, model => Task.FromResult<IResult>(TypedResults.Ok(new V2ModelMetadata(
            model.Name,
            [model.Version.ToString(CultureInfo.InvariantCulture)],
            "onnxruntime_onnx",
            model.InputNames.Select(input => Describe(input, model.InputMetadata[input])).ToArray(),
            model.OutputNames.Select(output => Describe(output, model.OutputMetadata[output])).ToArray()))));

    private static Task<IResult> ReadyAsync(string name, string? version, ModelRepository models, HttpResponse response, CancellationToken cancellationToken) =>
        WithModelAsync(name, version, models, telemetry: null, response, cancellationToken, model => Task.FromResult<IResult>(TypedResults.Ok(new V2ModelReady(model.Name, true))));

    private static async Task<IResult> InferAsync(
        string name, string? version, HttpRequest request, ModelRepository models, ModelBatchers batchers, WorkerTelemetry telemetry, CancellationToken cancellationToken)
    {
        InferenceRequestBody body;
        try
        {
            body = await InferenceRequestBody.ReadAsync(request, cancellationToken);
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            telemetry.Record(name, Api, error.Outcome);
            return error.ToV2(request.HttpContext.Response);
        }

        using (body)
        {
            // The response holds what it still needs (binary outputs, a lease on the model) until it is written.
            // The lease is held until the batch this request joins has run, so the version stays loaded.
            return await WithModelAsync(name, version, models, telemetry, request.HttpContext.Response, cancellationToken,
                async model => await InferenceRunner.InferAsync(model, body, batchers, cancellationToken));
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the serving version, or on <paramref name="version"/> when given;
    /// counts it when <paramref name="telemetry"/> is given.
    /// </summary>
    private static async Task<IResult> WithModelAsync(
        string name,
        string? version,
        ModelRepository models,
        WorkerTelemetry? telemetry,
        HttpResponse response,
        CancellationToken cancellationToken,
        Func<LoadedModel, Task<IResult>> action)
    {
        try
        {
            using var lease = version is null
                ? await models.AcquireAsync(name, cancellationToken)
                : await models.AcquireAsync(name, ParseVersion(name, version), cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var result = await action(lease.Model);
            telemetry?.Record(name, Api, "success", Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            telemetry?.Record(name, Api, error.Outcome);
            return error.ToV2(response);
        }
    }

    private static int ParseVersion(string name, string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ModelNotFoundException($"Model '{name}' has no version '{version}': versions are whole numbers from 1.");

    private const string Api = "v2";

    /// <summary>Inputs and outputs as V2 sees them: a sequence of probability maps is served as FP32 [rows, classes].</summary>
    private static V2TensorMetadata Describe(string name, NodeMetadata metadata)
    {
        if (metadata.IsTensor)
        {
            return new V2TensorMetadata(name, OnnxDatatypes.NameOf(metadata.ElementDataType), metadata.Dimensions.Select(d => (long)d).ToArray());
        }

        return MapSequences.IsProbabilityMaps(metadata)
            ? new V2TensorMetadata(name, "FP32", [-1, -1])
            : new V2TensorMetadata(name, metadata.OnnxValueType.ToString(), []);
    }

    private static RouteHandlerBuilder ProducesModelErrors(this RouteHandlerBuilder route) => route
        .Produces<V2Error>(StatusCodes.Status404NotFound)
        .Produces<V2Error>(StatusCodes.Status503ServiceUnavailable);

    // No .Accepts<T>(): endpoint routing would then refuse other Content-Types with a 415, and V2 clients
    // (and curl -d, which says application/x-www-form-urlencoded) do not always label the body.
    private static RouteHandlerBuilder ProducesInference(this RouteHandlerBuilder route) => route
        .Produces<V2InferenceResponse>(StatusCodes.Status200OK, "application/json", "application/octet-stream")
        .Produces<V2Error>(StatusCodes.Status400BadRequest)
        .ProducesModelErrors();
}
