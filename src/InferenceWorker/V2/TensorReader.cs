using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// Turns a V2 JSON input tensor (<c>data</c> flat or nested, row-major) into an ONNX Runtime value of
/// the model's element type, checking every element: numbers for the numeric types (FP16 and BF16
/// rounded to the nearest representable value, refused when out of range), <c>true</c>/<c>false</c>
/// for BOOL, strings for BYTES. Numbers are read with a <see cref="Utf8JsonReader"/> over the request's
/// own bytes straight into the native tensor ONNX Runtime allocates: no managed copy, no boxing.
/// </summary>
internal static class TensorReader
{
    /// <summary>Reads the number (or boolean) the reader is on; <c>false</c> when it is not a valid element.</summary>
    private delegate bool ReadElement<T>(ref Utf8JsonReader reader, out T value);

    public static OrtValue Read(string inputName, TensorElementType type, long[] shape, JsonElement data)
    {
        var count = ElementCount(inputName, shape);
        return type switch
        {
            TensorElementType.Float => Create(inputName, "FP32", type, shape, data, count, static (ref Utf8JsonReader r, out float v) => r.TryGetSingle(out v) && float.IsFinite(v)),
            TensorElementType.Double => Create(inputName, "FP64", type, shape, data, count, static (ref Utf8JsonReader r, out double v) => r.TryGetDouble(out v) && double.IsFinite(v)),
            TensorElementType.Int8 => Create(inputName, "INT8", type, shape, data, count, static (ref Utf8JsonReader r, out sbyte v) => r.TryGetSByte(out v)),
            TensorElementType.Int16 => Create(inputName, "INT16", type, shape, data, count, static (ref Utf8JsonReader r, out short v) => r.TryGetInt16(out v)),
            TensorElementType.Int32 => Create(inputName, "INT32", type, shape, data, count, static (ref Utf8JsonReader r, out int v) => r.TryGetInt32(out v)),
            TensorElementType.Int64 => Create(inputName, "INT64", type, shape, data, count, static (ref Utf8JsonReader r, out long v) => r.TryGetInt64(out v)),
            TensorElementType.UInt8 => Create(inputName, "UINT8", type, shape, data, count, static (ref Utf8JsonReader r, out byte v) => r.TryGetByte(out v)),
            TensorElementType.UInt16 => Create(inputName, "UINT16", type, shape, data, count, static (ref Utf8JsonReader r, out ushort v) => r.TryGetUInt16(out v)),
            TensorElementType.UInt32 => Create(inputName, "UINT32", type, shape, data, count, static (ref Utf8JsonReader r, out uint v) => r.TryGetUInt32(out v)),
            TensorElementType.UInt64 => Create(inputName, "UINT64", type, shape, data, count, static (ref Utf8JsonReader r, out ulong v) => r.TryGetUInt64(out v)),
            TensorElementType.Bool => Create(inputName, "BOOL", type, shape, data, count, static (ref Utf8JsonReader r, out bool v) =>
            {
                v = r.TokenType == JsonTokenType.True;
                return true;
            }),
            TensorElementType.Float16 => Create(inputName, "FP16", type, shape, data, count, static (ref Utf8JsonReader r, out Float16 v) =>
            {
                var half = r.TryGetDouble(out var d) ? (Half)d : Half.NaN;
                v = new Float16(BitConverter.HalfToUInt16Bits(half));
                return Half.IsFinite(half);
            }),
            TensorElementType.BFloat16 => Create(inputName, "BF16", type, shape, data, count, static (ref Utf8JsonReader r, out BFloat16 v) =>
            {
                v = r.TryGetSingle(out var f) && float.IsFinite(f) ? (BFloat16)f : BFloat16.NaN;
                return BFloat16.IsFinite(v);
            }),
            TensorElementType.String => CreateStrings(inputName, shape, data, count),
            _ => throw new InferenceRequestException($"Input '{inputName}' has datatype {OnnxDatatypes.NameOf(type)}, which this worker cannot read from JSON yet."),
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
                throw new InferenceRequestException($"Input '{inputName}' has a negative dimension in its shape [{string.Join(", ", shape)}].");
            }

            count *= dimension;
            if (count > Array.MaxLength)
            {
                throw new InferenceRequestException($"Input '{inputName}' shape [{string.Join(", ", shape)}] has too many elements.");
            }
        }

        return (int)count;
    }

    private static OrtValue Create<T>(string inputName, string datatype, TensorElementType type, long[] shape, JsonElement data, int count, ReadElement<T> read)
        where T : unmanaged
    {
        var json = JsonMarshal.GetRawUtf8Value(data);
        CheckCount(inputName, shape, json, count);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        try
        {
            var elements = value.GetTensorMutableDataAsSpan<T>();
            var reader = new Utf8JsonReader(json);
            var written = 0;
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
                {
                    continue;
                }

                var start = (int)reader.TokenStartIndex;
                if (!IsScalarOf<T>(reader.TokenType) || !read(ref reader, out var element))
                {
                    reader.Skip(); // past an object, so its whole text is quoted
                    throw new InferenceRequestException(
                        $"Input '{inputName}' element {written} ({Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed])}) is not a valid {datatype} value.");
                }

                elements[written++] = element;
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private static OrtValue CreateStrings(string inputName, long[] shape, JsonElement data, int count)
    {
        CheckCount(inputName, shape, JsonMarshal.GetRawUtf8Value(data), count);
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
                    throw new InferenceRequestException($"Input '{inputName}' element {written} ({element.GetRawText()}) is not a valid BYTES value: send JSON strings.");
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
    private static void CheckCount(string inputName, long[] shape, ReadOnlySpan<byte> json, int count)
    {
        var given = CountElements(json);
        if (given != count)
        {
            throw new InferenceRequestException(
                $"Input '{inputName}' has {given} elements in 'data' but its shape [{string.Join(", ", shape)}] needs {count}.");
        }
    }

    /// <summary>Every value that is not an array counts as one element (an object too: it is refused later, by position).</summary>
    private static int CountElements(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            reader.Skip();
            count++;
        }

        return count;
    }

    /// <summary>
    /// Only JSON numbers can be numeric elements and only <c>true</c>/<c>false</c> BOOL ones; anything
    /// else (strings, null, objects) is refused before parsing, which would throw on the wrong kind.
    /// </summary>
    private static bool IsScalarOf<T>(JsonTokenType token) => typeof(T) == typeof(bool)
        ? token is JsonTokenType.True or JsonTokenType.False
        : token == JsonTokenType.Number;
}
