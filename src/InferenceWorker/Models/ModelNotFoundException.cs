namespace Maestro.InferenceWorker.Models;

/// <summary>The registry has no such model, or the model has no version; the caller answers 404.</summary>
internal sealed class ModelNotFoundException(string message) : Exception(message);

/// <summary>The artifact was downloaded but ONNX Runtime could not load it here; the caller answers 503.</summary>
internal sealed class ModelLoadException(string message, Exception inner) : Exception(message, inner);
