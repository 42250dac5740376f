using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>Open Inference Protocol datatype names and the ONNX element types they stand for.</summary>
internal static class V2Datatypes
{
    private static readonly Dictionary<string, TensorElementType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = TensorElementType.Bool,
        ["UINT8"] = TensorElementType.UInt8,
        ["UINT16"] = TensorElementType.UInt16,
        ["UINT32"] = TensorElementType.UInt32,
        ["UINT64"] = TensorElementType.UInt64,
        ["INT8"] = TensorElementType.Int8,
        ["INT16"] = TensorElementType.Int16,
        ["INT32"] = TensorElementType.Int32,
        ["INT64"] = TensorElementType.Int64,
        ["FP16"] = TensorElementType.Float16,
        ["BF16"] = TensorElementType.BFloat16,
        ["FP32"] = TensorElementType.Float,
        ["FP64"] = TensorElementType.Double,
        ["BYTES"] = TensorElementType.String,
    };

    private static readonly Dictionary<TensorElementType, string> ByType = ByName.ToDictionary(pair => pair.Value, pair => pair.Key);

    public static bool TryParse(string? name, out TensorElementType type)
    {
        type = default;
        return name is not null && ByName.TryGetValue(name, out type);
    }

    public static string NameOf(TensorElementType type) =>
        ByType.TryGetValue(type, out var name) ? name : type.ToString().ToUpperInvariant();

    /// <summary>
    /// Bytes per element in Triton's binary tensor data (little-endian, BOOL as one byte); 0 for BYTES,
    /// whose elements are each a 4-byte length and that many bytes.
    /// </summary>
    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Bool or TensorElementType.UInt8 or TensorElementType.Int8 => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt32 or TensorElementType.Int32 or TensorElementType.Float => 4,
        TensorElementType.UInt64 or TensorElementType.Int64 or TensorElementType.Double => 8,
        TensorElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a V2 datatype."),
    };
}
