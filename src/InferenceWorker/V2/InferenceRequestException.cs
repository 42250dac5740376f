namespace Maestro.InferenceWorker.V2;

/// <summary>
/// A V2 request that does not follow the protocol or does not fit the model (a wrong datatype, a
/// shape the model does not take, malformed binary data); the message says how. Answered 400.
/// </summary>
internal sealed class InferenceRequestException(string message) : Exception(message);
