namespace Maestro.InferenceWorker.Models;

/// <summary>The registry has no such model, or the model has no version; the caller answers 404.</summary>
internal sealed class ModelNotFoundException(string message) : Exception(message);
