namespace Maestro.InferenceWorker.Models;

/// <summary>The artifact was downloaded but ONNX Runtime could not load it here; the caller answers 503.</summary>
internal sealed class ModelLoadException(string message, Exception inner) : Exception(message, inner);
