namespace Maestro.RegistryService.Model;

/// <summary>
/// One input or output: its name, its Open Inference Protocol datatype (FP32, INT64, BYTES, …; for
/// values that are not tensors the ONNX kind, such as SEQUENCE or MAP) and its shape, -1 for a dynamic
/// dimension.
/// </summary>
public sealed record TensorSpec(string Name, string Datatype, IReadOnlyList<long> Shape);
