using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Batching;

/// <summary>One V2 request's part of a batch: its own rows of every output, or the error ONNX Runtime gave for its inputs.</summary>
internal sealed record TensorBatchOutcome(OrtValue[]? Outputs, OnnxRuntimeException? Error);
