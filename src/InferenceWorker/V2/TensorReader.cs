using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// Turns a V2 JSON input tensor (<c>data</c> flat or nested, row-major) into an ONNX Runtime value of
/// the model's element type, checking every element: numbers for the numeric types (FP16 and BF16
/// rounded to the nearest representable value, refused when out of range), <c>true</c>/<c>false</c>
/// for BOOL, strings for BYTES.
/// </summary>
internal static class TensorReader
{
    private delegate bool Parse<T>(JsonElement element, out T value);

    public static OrtValue Read(string inputName, TensorElementType type, long[] shape, JsonElement data)
    {
        var count = ElementCount(inputName, shape);
        return type switch
        {
            TensorElementType.Float => Create(inputName, "FP32", shape, data, count, static (JsonElement e, out float v) => e.TryGetSingle(out v) && float.IsFinite(v)),
            TensorElementType.Double => Create(inputName, "FP64", shape, data, count, static (JsonElement e, out double v) => e.TryGetDouble(out v) && double.IsFinite(v)),
            TensorElementType.Int8 => Create(inputName, "INT8", shape, data, count, static (JsonElement e, out sbyte v) => e.TryGetSByte(out v)),
            TensorElementType.Int16 => Create(inputName, "INT16", shape, data, count, static (JsonElement e, out short v) => e.TryGetInt16(out v)),
            TensorElementType.Int32 => Create(inputName, "INT32", shape, data, count, static (JsonElement e, out int v) => e.TryGetInt32(out v)),
            TensorElementType.Int64 => Create(inputName, "INT64", shape, data, count, static (JsonElement e, out long v) => e.TryGetInt64(out v)),
            TensorElementType.UInt8 => Create(inputName, "UINT8", shape, data, count, static (JsonElement e, out byte v) => e.TryGetByte(out v)),
            TensorElementType.UInt16 => Create(inputName, "UINT16", shape, data, count, static (JsonElement e, out ushort v) => e.TryGetUInt16(out v)),
            TensorElementType.UInt32 => Create(inputName, "UINT32", shape, data, count, static (JsonElement e, out uint v) => e.TryGetUInt32(out v)),
            TensorElementType.UInt64 => Create(inputName, "UINT64", shape, data, count, static (JsonElement e, out ulong v) => e.TryGetUInt64(out v)),
            TensorElementType.Bool => Create(inputName, "BOOL", shape, data, count, static (JsonElement e, out bool v) =>
            {
                v = e.ValueKind == JsonValueKind.True;
                return e.ValueKind is JsonValueKind.True or JsonValueKind.False;
            }),
            TensorElementType.Float16 => Create(inputName, "FP16", shape, data, count, static (JsonElement e, out Float16 v) =>
            {
                var half = e.TryGetDouble(out var d) ? (Half)d : Half.NaN;
                v = new Float16(BitConverter.HalfToUInt16Bits(half));
                return Half.IsFinite(half);
            }),
            TensorElementType.BFloat16 => Create(inputName, "BF16", shape, data, count, static (JsonElement e, out BFloat16 v) =>
            {
                v = e.TryGetSingle(out var f) && float.IsFinite(f) ? (BFloat16)f : BFloat16.NaN;
                return BFloat16.IsFinite(v);
            }),
            TensorElementType.String => CreateStrings(inputName, shape, data, count),
            _ => throw V2Exception.BadRequest($"Input '{inputName}' has datatype {V2Datatypes.NameOf(type)}, which this worker cannot read from JSON yet."),
        };
    }

    /// <summary>The number of elements <paramref name="shape"/> holds; 400 when it is negative or too large for one array.</summary>
    public static int ElementCount(string inputName, long[] shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw V2Exception.BadRequest($"Input '{inputName}' has a negative dimension in its shape [{string.Join(", ", shape)}].");
            }

            count *= dimension;
            if (count > Array.MaxLength)
            {
                throw V2Exception.BadRequest($"Input '{inputName}' shape [{string.Join(", ", shape)}] has too many elements.");
            }
        }

        return (int)count;
    }

    private static OrtValue Create<T>(string inputName, string datatype, long[] shape, JsonElement data, int count, Parse<T> parse)
        where T : unmanaged
    {
        CheckCount(inputName, shape, data, count);
        var values = new T[count];
        var written = 0;
        Fill(data);
        return OrtValue.CreateTensorValueFromMemory(values, shape);

        void Fill(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Fill(item);
                }

                return;
            }

            if (!IsScalarOf<T>(element) || !parse(element, out var value))
            {
                throw V2Exception.BadRequest($"Input '{inputName}' element {written} ({element.GetRawText()}) is not a valid {datatype} value.");
            }

            values[written++] = value;
        }
    }

    private static OrtValue CreateStrings(string inputName, long[] shape, JsonElement data, int count)
    {
        CheckCount(inputName, shape, data, count);
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            var written = 0;
            Fill(data);
            return value;

            void Fill(JsonElement element)
            {
                if (element.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in element.EnumerateArray())
                    {
                        Fill(item);
                    }

                    return;
                }

                if (element.ValueKind != JsonValueKind.String)
                {
                    throw V2Exception.BadRequest($"Input '{inputName}' element {written} ({element.GetRawText()}) is not a valid BYTES value: send JSON strings.");
                }

                value.StringTensorSetElementAt(JsonStrings.Read(element, $"Input '{inputName}' element {written}").AsSpan(), written);
                written++;
            }
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>Counted before allocating, so a huge shape with little data cannot claim gigabytes.</summary>
    private static void CheckCount(string inputName, long[] shape, JsonElement data, int count)
    {
        var given = CountElements(data);
        if (given != count)
        {
            throw V2Exception.BadRequest(
                $"Input '{inputName}' has {given} elements in 'data' but its shape [{string.Join(", ", shape)}] needs {count}.");
        }
    }

    private static int CountElements(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            return 1;
        }

        var count = 0;
        foreach (var item in data.EnumerateArray())
        {
            count += CountElements(item);
        }

        return count;
    }

    /// <summary>
    /// Only JSON numbers can be numeric elements and only <c>true</c>/<c>false</c> BOOL ones; anything
    /// else (strings, null, objects) is refused before parsing, which would throw on the wrong kind.
    /// </summary>
    private static bool IsScalarOf<T>(JsonElement element) => typeof(T) == typeof(bool)
        ? element.ValueKind is JsonValueKind.True or JsonValueKind.False
        : element.ValueKind == JsonValueKind.Number;
}
