using System.Text.Json.Serialization;

namespace Maestro.InferenceWorker.Predict;

/// <summary>
/// Source-generated JSON for the predict API's bodies: <c>features</c> are read straight into a
/// <c>double[]</c> without reflection or boxing, and the answers are written the same way.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(BatchPredictRequest))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(BatchPredictResponse))]
[JsonSerializable(typeof(ModelHealthResponse))]
internal sealed partial class PredictJsonContext : JsonSerializerContext;
