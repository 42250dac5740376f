namespace Maestro.InferenceWorker.Registry;

/// <summary>The registry could not be reached or failed; the caller answers 503.</summary>
internal sealed class RegistryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
