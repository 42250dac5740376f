namespace Maestro.InferenceWorker.Predict;

/// <summary>The request does not fit the model (or the model does not fit the predict API); answered with a 400 that says why.</summary>
internal sealed class PredictInputException(string message) : Exception(message);
