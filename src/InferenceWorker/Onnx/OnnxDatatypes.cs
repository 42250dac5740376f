using Maestro.Contracts;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Onnx;

/// <summary>
/// The Open Inference Protocol's datatype names (<see cref="V2Datatypes"/>, shared with the registry)
/// for ONNX Runtime's element types: the two enums have the same numbers.
/// </summary>
internal static class OnnxDatatypes
{
    public static bool TryParse(string? name, out TensorElementType type)
    {
        var known = V2Datatypes.TryParse(name, out var element);
        type = (TensorElementType)element;
        return known;
    }

    public static string NameOf(TensorElementType type) => V2Datatypes.NameOf((OnnxElementType)type);

    /// <inheritdoc cref="V2Datatypes.ElementSize"/>
    public static int ElementSize(TensorElementType type) => V2Datatypes.ElementSize((OnnxElementType)type);
}
