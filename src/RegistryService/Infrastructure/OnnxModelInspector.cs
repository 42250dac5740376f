using Maestro.RegistryService.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Validates a model file by loading it with ONNX Runtime — the same runtime the workers serve it
/// with — and reads its signature. A file ONNX Runtime cannot load is not a model we can serve.
/// </summary>
internal static class OnnxModelInspector
{
    public static ModelInspection Inspect(string path)
    {
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(path, options);
            var signature = new ModelSignature(
                session.InputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray(),
                session.OutputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray());
            var producer = session.ModelMetadata.ProducerName;
            return new ModelInspection(signature, string.IsNullOrEmpty(producer) ? null : producer);
        }
        catch (OnnxRuntimeException ex)
        {
            // The runtime names the file it was given: the caller gets its reason, not our scratch path.
            throw new InvalidModelException(ex.Message.Replace(path, "the file", StringComparison.Ordinal));
        }
    }

    private static TensorSpec Describe(string name, NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR or OnnxValueType.ONNX_TYPE_SPARSETENSOR =>
            new TensorSpec(name, DatatypeOf(metadata.ElementDataType), metadata.Dimensions.Select(d => (long)d).ToArray()),
        OnnxValueType.ONNX_TYPE_SEQUENCE => new TensorSpec(name, "SEQUENCE", []),
        OnnxValueType.ONNX_TYPE_MAP => new TensorSpec(name, "MAP", []),
        OnnxValueType.ONNX_TYPE_OPTIONAL => new TensorSpec(name, "OPTIONAL", []),
        _ => new TensorSpec(name, "UNKNOWN", []),
    };

    /// <summary>ONNX element types by their Open Inference Protocol names.</summary>
    private static string DatatypeOf(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.UInt16 => "UINT16",
        TensorElementType.UInt32 => "UINT32",
        TensorElementType.UInt64 => "UINT64",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.BFloat16 => "BF16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.String => "BYTES",
        _ => type.ToString().ToUpperInvariant(),
    };
}

internal sealed record ModelInspection(ModelSignature Signature, string? Producer);

/// <summary>ONNX Runtime refused the file; the message is the runtime's own reason.</summary>
internal sealed class InvalidModelException(string reason) : Exception(reason);
