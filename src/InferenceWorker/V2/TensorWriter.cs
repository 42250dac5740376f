using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>Writes an ONNX Runtime tensor as a V2 JSON output: name, datatype, shape and flat data.</summary>
internal static class TensorWriter
{
    public static void Write(Utf8JsonWriter writer, string name, OrtValue value)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw V2Exception.BadRequest(
                $"Output '{name}' is a {value.OnnxType} rather than a tensor; request only tensor outputs with the 'outputs' field.");
        }

        var info = value.GetTensorTypeAndShape();
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", V2Datatypes.NameOf(info.ElementDataType));
        writer.WriteStartArray("shape");
        foreach (var dimension in info.Shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data");
        WriteData(writer, name, info.ElementDataType, value);
        writer.WriteEndArray();
        writer.WriteEndObject();
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
            case TensorElementType.String:
                foreach (var v in value.GetStringTensorAsArray()) writer.WriteStringValue(v);
                break;
            default:
                throw V2Exception.BadRequest($"Output '{name}' has datatype {V2Datatypes.NameOf(type)}, which this worker cannot write as JSON yet.");
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
