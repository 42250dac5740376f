using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>What loading a model file with ONNX Runtime told about it.</summary>
internal sealed record ModelInspection(ModelSignature Signature, string? Producer);
