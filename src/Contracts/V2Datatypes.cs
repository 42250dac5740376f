namespace Maestro.Contracts;

/// <summary>
/// The Open Inference Protocol (V2) datatype names and the ONNX element types they stand for: what
/// the registry records in a model's signature and what the workers accept and answer with.
/// </summary>
public static class V2Datatypes
{
    private static readonly Dictionary<string, OnnxElementType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = OnnxElementType.Bool,
        ["UINT8"] = OnnxElementType.UInt8,
        ["UINT16"] = OnnxElementType.UInt16,
        ["UINT32"] = OnnxElementType.UInt32,
        ["UINT64"] = OnnxElementType.UInt64,
        ["INT8"] = OnnxElementType.Int8,
        ["INT16"] = OnnxElementType.Int16,
        ["INT32"] = OnnxElementType.Int32,
        ["INT64"] = OnnxElementType.Int64,
        ["FP16"] = OnnxElementType.Float16,
        ["BF16"] = OnnxElementType.BFloat16,
        ["FP32"] = OnnxElementType.Float,
        ["FP64"] = OnnxElementType.Double,
        ["BYTES"] = OnnxElementType.String,
    };

    private static readonly Dictionary<OnnxElementType, string> ByType = ByName.ToDictionary(pair => pair.Value, pair => pair.Key);

    /// <summary>Every V2 datatype name, in no particular order.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The element type a V2 datatype name stands for; <c>false</c> for a name V2 does not have.</summary>
    public static bool TryParse(string? name, out OnnxElementType type)
    {
        type = default;
        return name is not null && ByName.TryGetValue(name, out type);
    }

    /// <summary>The V2 name of an element type; one V2 lacks (COMPLEX64, …) keeps its ONNX name in capitals.</summary>
    public static string NameOf(OnnxElementType type) =>
        ByType.TryGetValue(type, out var name) ? name : type.ToString().ToUpperInvariant();

    /// <summary>
    /// Bytes per element in Triton's binary tensor data (little-endian, BOOL as one byte); 0 for BYTES,
    /// whose elements are each a 4-byte length and that many bytes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The type is not a V2 datatype.</exception>
    public static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.Bool or OnnxElementType.UInt8 or OnnxElementType.Int8 => 1,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 or OnnxElementType.BFloat16 => 2,
        OnnxElementType.UInt32 or OnnxElementType.Int32 or OnnxElementType.Float => 4,
        OnnxElementType.UInt64 or OnnxElementType.Int64 or OnnxElementType.Double => 8,
        OnnxElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a V2 datatype."),
    };
}
