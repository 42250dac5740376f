using System.Text.Json.Serialization;
using Maestro.BareKestrel;

// Started by bench/run.sh as `dotnet Maestro.BareKestrel.dll --urls http://127.0.0.1:PORT`.
// It reads and discards the request body, then answers with the same JSON shape (snake_case, a
// fresh request id) as the worker's /api/v1/models/{name}/predict, so the difference to the worker
// is the model, its lookup and Maestro's middleware — not HTTP or JSON writing.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default);
});

var app = builder.Build();

app.MapPost("/{**path}", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    await request.Body.CopyToAsync(Stream.Null, cancellationToken);
    return TypedResults.Ok(new PredictShaped(1, 0.9728803634643555, "1", Guid.NewGuid().ToString(), 0.01));
});

app.Run();

namespace Maestro.BareKestrel
{
    internal sealed record PredictShaped(double Prediction, double Probability, string ModelVersion, string RequestId, double ProcessingTimeMs);

    [JsonSerializable(typeof(PredictShaped))]
    internal sealed partial class BareJsonContext : JsonSerializerContext;
}
