using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// Writes an ONNX Runtime tensor as a V2 JSON output: name, datatype, shape and either flat
/// <c>data</c> or, for Triton's binary tensor extension, <c>parameters.binary_data_size</c>.
/// </summary>
internal static class TensorWriter
{
    public static void Write(Utf8JsonWriter writer, string name, OrtValue value)
    {
        var type = WriteStart(writer, name, value);
        writer.WriteStartArray("data");
        WriteData(writer, name, type, value);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The output's description without data, which follows the JSON as <paramref name="binarySize"/> raw bytes.</summary>
    public static void WriteBinary(Utf8JsonWriter writer, string name, OrtValue value, long binarySize)
    {
        WriteStart(writer, name, value);
        writer.WriteStartObject("parameters");
        writer.WriteNumber("binary_data_size", binarySize);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static TensorElementType WriteStart(Utf8JsonWriter writer, string name, OrtValue value)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new InferenceRequestException(
                $"Output '{name}' is a {value.OnnxType} rather than a tensor; request only tensor outputs with the 'outputs' field.");
        }

        var info = value.GetTensorTypeAndShape();
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", OnnxDatatypes.NameOf(info.ElementDataType));
        writer.WriteStartArray("shape");
        foreach (var dimension in info.Shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
        return info.ElementDataType;
    }

    private static void WriteData(Utf8JsonWriter writer, string name, TensorElementType type, OrtValue value)
    {
        switch (type)
        {
            case TensorElementType.Float:
                foreach (var v in value.GetTensorDataAsSpan<float>()) WriteFloat(writer, v);
                break;
            case TensorElementType.Double:
                foreach (var v in value.GetTensorDataAsSpan<double>()) WriteFloat(writer, v);
                break;
            case TensorElementType.Int8:
                foreach (var v in value.GetTensorDataAsSpan<sbyte>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.Int16:
                foreach (var v in value.GetTensorDataAsSpan<short>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.Int32:
                foreach (var v in value.GetTensorDataAsSpan<int>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.Int64:
                foreach (var v in value.GetTensorDataAsSpan<long>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.UInt8:
                foreach (var v in value.GetTensorDataAsSpan<byte>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.UInt16:
                foreach (var v in value.GetTensorDataAsSpan<ushort>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.UInt32:
                foreach (var v in value.GetTensorDataAsSpan<uint>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.UInt64:
                foreach (var v in value.GetTensorDataAsSpan<ulong>()) writer.WriteNumberValue(v);
                break;
            case TensorElementType.Bool:
                foreach (var v in value.GetTensorDataAsSpan<bool>()) writer.WriteBooleanValue(v);
                break;
            case TensorElementType.Float16:
                foreach (var v in value.GetTensorDataAsSpan<Float16>()) WriteHalf(writer, BitConverter.UInt16BitsToHalf(v.value));
                break;
            case TensorElementType.BFloat16:
                foreach (var v in value.GetTensorDataAsSpan<BFloat16>()) WriteFloat(writer, (float)v);
                break;
            case TensorElementType.String:
                var count = (int)value.GetTensorTypeAndShape().ElementCount;
                for (var i = 0; i < count; i++)
                {
                    var text = value.GetStringElementAsSpan(i);
                    if (!Utf8.IsValid(text))
                    {
                        throw new InferenceRequestException(
                            $"Output '{name}' element {i} is not UTF-8 text, which JSON cannot carry; ask for it as binary data with parameters.binary_data: true.");
                    }

                    writer.WriteStringValue(text);
                }

                break;
            default:
                throw new InferenceRequestException($"Output '{name}' has datatype {OnnxDatatypes.NameOf(type)}, which this worker cannot write as JSON yet.");
        }
    }

    /// <summary>JSON has no NaN or infinity; they are written as null.</summary>
    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>The shortest decimal that reads back as the same half (0.1, not 0.0999755859375).</summary>
    private static void WriteHalf(Utf8JsonWriter writer, Half value)
    {
        Span<byte> digits = stackalloc byte[32];
        if (Half.IsFinite(value) && value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture))
        {
            writer.WriteRawValue(digits[..length]);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
