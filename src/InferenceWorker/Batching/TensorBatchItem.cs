using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// One V2 request's inputs, in a batch with others of the same signature: every input has
/// <see cref="Rows"/> rows along its first dimension. The request keeps ownership of <see cref="Inputs"/>.
/// </summary>
internal sealed record TensorBatchItem(IReadOnlyList<string> InputNames, IReadOnlyList<OrtValue> Inputs, string[] OutputNames, int Rows)
{
    /// <summary>
    /// The key requests must share to be merged — input names, datatypes and non-batch dimensions, and
    /// the outputs asked for — or <c>null</c> when this request cannot join a batch (a BYTES input,
    /// inputs of different row counts, or an output that is not a tensor with a dynamic first dimension).
    /// </summary>
    public static (string Signature, int Rows)? Describe(
        IReadOnlyDictionary<string, NodeMetadata> outputMetadata, IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, string[] outputNames)
    {
        var signature = new System.Text.StringBuilder();
        long rows = -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            var info = inputs[i].GetTensorTypeAndShape();
            var shape = info.Shape;
            if (info.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String || shape.Length == 0 || shape[0] < 1 || (rows >= 0 && shape[0] != rows))
            {
                return null;
            }

            rows = shape[0];
            signature.Append(inputNames[i]).Append(':').Append((int)info.ElementDataType).Append(':');
            signature.AppendJoin(',', shape.Skip(1)).Append('|');
        }

        foreach (var output in outputNames)
        {
            if (!outputMetadata.TryGetValue(output, out var metadata) || !metadata.IsTensor
                || metadata.Dimensions.Length == 0 || metadata.Dimensions[0] >= 0
                || metadata.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String)
            {
                return null;
            }

            signature.Append("=>").Append(output);
        }

        return rows is > 0 and <= int.MaxValue ? (signature.ToString(), (int)rows) : null;
    }
}
