using System.Diagnostics;
using System.Text.Json;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.V2;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// The Open Inference Protocol v2 (KServe / Triton REST). Errors are <c>{"error": "..."}</c> with 400,
/// 404 or 503, as V2 clients expect.
/// </summary>
public static class V2Api
{
    public const string ServerName = "maestro";
    public const string ServerVersion = "0.1.0";

    public static RouteGroupBuilder MapV2Api(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol v2");

        v2.MapGet("/", () => TypedResults.Ok(new V2ServerMetadata(ServerName, ServerVersion, [])))
            .WithName("V2ServerMetadata").WithSummary("Server name, version and protocol extensions");
        v2.MapGet("/health/live", () => TypedResults.Ok())
            .WithName("V2ServerLive").WithSummary("200 while the server process is up");
        v2.MapGet("/health/ready", () => TypedResults.Ok())
            .WithName("V2ServerReady").WithSummary("200 when the server accepts inference requests");
        v2.MapGet("/models/{name}", ModelMetadata)
            .WithName("V2ModelMetadata").WithSummary("The serving version's inputs and outputs");
        v2.MapPost("/models/{name}/infer", Infer)
            .WithName("V2Infer").WithSummary("Run the serving version of a model on V2 JSON tensors")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces<V2Error>(StatusCodes.Status400BadRequest)
            .Produces<V2Error>(StatusCodes.Status404NotFound)
            .Produces<V2Error>(StatusCodes.Status503ServiceUnavailable);

        return v2;
    }

    internal static async Task<IResult> ModelMetadata(string name, ModelRepository models, CancellationToken cancellationToken) =>
        await WithModelAsync(name, models, telemetry: null, cancellationToken, model => TypedResults.Ok(new V2ModelMetadata(
            model.Name,
            [model.Version.ToString()],
            "onnxruntime_onnx",
            model.InputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray(),
            model.OutputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray())));

    internal static async Task<IResult> Infer(string name, HttpRequest request, ModelRepository models, WorkerTelemetry telemetry, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, $"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            return await WithModelAsync(name, models, telemetry, cancellationToken,
                model => TypedResults.Bytes(InferenceRunner.Infer(model, document.RootElement), "application/json"));
        }
    }

    /// <summary>Runs <paramref name="action"/> on the serving version; counts it when <paramref name="telemetry"/> is given.</summary>
    private static async Task<IResult> WithModelAsync(
        string name, ModelRepository models, WorkerTelemetry? telemetry, CancellationToken cancellationToken, Func<LoadedModel, IResult> action)
    {
        try
        {
            using var lease = await models.AcquireAsync(name, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var result = action(lease.Model);
            telemetry?.Record(name, Api, "success", Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (V2Exception ex)
        {
            telemetry?.Record(name, Api, "client_error");
            return Error(ex.Status, ex.Message);
        }
        catch (ModelNotFoundException ex)
        {
            telemetry?.Record(name, Api, "not_found");
            return Error(StatusCodes.Status404NotFound, ex.Message);
        }
        catch (Exception ex) when (ex is RegistryUnavailableException or ModelLoadException)
        {
            telemetry?.Record(name, Api, "unavailable");
            return Error(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
    }

    private const string Api = "v2";

    internal static JsonHttpResult<V2Error> Error(int status, string message) =>
        TypedResults.Json(new V2Error(message), statusCode: status);

    private static V2TensorMetadata Describe(string name, Microsoft.ML.OnnxRuntime.NodeMetadata metadata) =>
        metadata.IsTensor
            ? new V2TensorMetadata(name, V2Datatypes.NameOf(metadata.ElementDataType), metadata.Dimensions.Select(d => (long)d).ToArray())
            : new V2TensorMetadata(name, metadata.OnnxValueType.ToString(), []);
}
