namespace Maestro.InferenceWorker.Predict;

/// <summary>Body of <c>POST /api/v1/models/{name}/predict</c>: one row of features.</summary>
public sealed record PredictRequest(double[]? Features, PredictMetadata? Metadata);

/// <summary>Optional request metadata; <c>request_id</c> is echoed, or generated when absent.</summary>
public sealed record PredictMetadata(string? RequestId, DateTimeOffset? Timestamp);

/// <summary>One prediction, with exactly the fields the seed document's client reads.</summary>
/// <param name="Probability">Confidence of <paramref name="Prediction"/>: the predicted class's probability.</param>
public sealed record PredictResponse(double Prediction, double Probability, string ModelVersion, string RequestId, double ProcessingTimeMs);

/// <summary>Body of <c>POST /api/v1/models/{name}/batch_predict</c>: at most 100 requests.</summary>
public sealed record BatchPredictRequest(PredictRequest[]? Requests);

public sealed record BatchPredictResponse(IReadOnlyList<PredictResponse> Predictions, double TotalProcessingTimeMs);

/// <summary>Model health, with exactly the seed document's fields (its client builds a dataclass from them).</summary>
public sealed record ModelHealthResponse(string Status, double UptimeSeconds, bool ModelLoaded, string ModelVersion);
