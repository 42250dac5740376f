namespace Maestro.RegistryService.Infrastructure;

/// <summary>ONNX Runtime refused the file; the message is the runtime's own reason. Answered 422.</summary>
internal sealed class InvalidModelException(string reason) : Exception(reason);
