using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// One run of a freshly loaded session before it serves, so the first real request does not pay for
/// ONNX Runtime's lazy work (memory arenas, kernel selection): every input is zeros (empty strings for
/// string tensors) of its declared shape, with each dynamic dimension set to 1.
/// </summary>
internal static class ModelWarmup
{
    /// <summary>Runs the session once; <c>null</c> when it ran, else why it could not (the model still serves).</summary>
    public static string? TryRun(InferenceSession session)
    {
        var names = new List<string>(session.InputNames.Count);
        var inputs = new List<OrtValue>(session.InputNames.Count);
        try
        {
            foreach (var name in session.InputNames)
            {
                var metadata = session.InputMetadata[name];
                if (!metadata.IsTensor)
                {
                    return $"input '{name}' is not a tensor";
                }

                names.Add(name);
                inputs.Add(Zeros(metadata));
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, inputs, session.OutputNames);
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return ex.Message;
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    private static OrtValue Zeros(NodeMetadata metadata)
    {
        var shape = Array.ConvertAll(metadata.Dimensions, dimension => dimension < 0 ? 1L : dimension);
        if (metadata.ElementDataType == TensorElementType.String)
        {
            return OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        }

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, metadata.ElementDataType, shape);
        value.GetTensorMutableRawData().Clear();
        return value;
    }
}
