using Maestro.Contracts;
using Maestro.RegistryService.Model;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Validates a model file by loading it with ONNX Runtime — the same runtime the workers serve it
/// with — and reads its signature. A file ONNX Runtime cannot load is not a model we can serve. A model
/// with large weights is loaded through its <see cref="ModelSkeleton"/>, which ONNX Runtime checks alike
/// without copying the weights; should the skeleton be refused, the file itself is loaded, so that the
/// reason given is the one ONNX Runtime gives for the file.
/// </summary>
internal static class OnnxModelInspector
{
    public static ModelInspection Inspect(string path)
    {
        var skeleton = TryWriteSkeleton(path);
        if (skeleton is not null)
        {
            try
            {
                return Load(skeleton);
            }
            catch (OnnxRuntimeException)
            {
                // Checked again below as the file itself, for ONNX Runtime's own words about it.
            }
            finally
            {
                ArtifactStore.TryDelete(skeleton);
            }
        }

        try
        {
            return Load(path);
        }
        catch (OnnxRuntimeException ex)
        {
            // The runtime names the file it was given: the caller gets its reason, not our scratch path.
            throw new InvalidModelException(ex.Message.Replace(path, "the file", StringComparison.Ordinal));
        }
    }

    private static ModelInspection Load(string path)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(path, options);
        var signature = new ModelSignature(
            session.InputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray(),
            session.OutputMetadata.Select(pair => Describe(pair.Key, pair.Value)).ToArray());
        var producer = session.ModelMetadata.ProducerName;
        return new ModelInspection(signature, string.IsNullOrEmpty(producer) ? null : producer);
    }

    /// <summary>The skeleton, or <c>null</c> when there is none (or it could not be written: the file is then loaded as it is).</summary>
    private static string? TryWriteSkeleton(string path)
    {
        try
        {
            return ModelSkeleton.TryWrite(path);
        }
        catch (IOException)
        {
            return null;
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
