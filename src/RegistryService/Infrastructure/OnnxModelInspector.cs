using Maestro.Contracts;
using Maestro.RegistryService.Model;
using Microsoft.ML.OnnxRuntime;
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
            new TensorSpec(name, V2Datatypes.NameOf((OnnxElementType)metadata.ElementDataType), metadata.Dimensions.Select(d => (long)d).ToArray()),
        OnnxValueType.ONNX_TYPE_SEQUENCE => new TensorSpec(name, "SEQUENCE", []),
        OnnxValueType.ONNX_TYPE_MAP => new TensorSpec(name, "MAP", []),
        OnnxValueType.ONNX_TYPE_OPTIONAL => new TensorSpec(name, "OPTIONAL", []),
        _ => new TensorSpec(name, "UNKNOWN", []),
    };
}
