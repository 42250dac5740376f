using System.Text.Json;
using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.V2;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Tests.V2;

public sealed class TensorWriterTests
{
    [Fact]
    public void Write_Fp32_WritesNameDatatypeShapeAndFlatData()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { 0.5f, -1.25f, 3e38f, 1e-7f }, [2, 2]);

        var tensor = Write("probabilities", value);

        Assert.Equal(["name", "datatype", "shape", "data"], tensor.EnumerateObject().Select(p => p.Name));
        Assert.Equal("probabilities", tensor.GetProperty("name").GetString());
        Assert.Equal("FP32", tensor.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2L], tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([0.5f, -1.25f, 3e38f, 1e-7f], tensor.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()));
    }

    [Fact]
    public void Write_Fp64_KeepsFullPrecision()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { 0.1, 20000000000.0, -5e-324 }, [3]);

        var tensor = Write("a_out", value);

        Assert.Equal("FP64", tensor.GetProperty("datatype").GetString());
        Assert.Equal([0.1, 20000000000.0, -5e-324], tensor.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
    }

    [Fact]
    public void Write_NonFiniteFloats_WritesNull()
    {
        using var single = OrtValue.CreateTensorValueFromMemory(new[] { float.NaN, float.PositiveInfinity, 1f }, [3]);
        using var @double = OrtValue.CreateTensorValueFromMemory(new[] { double.NegativeInfinity, 2.0 }, [2]);

        Assert.Equal("[null,null,1]", Write("s", single).GetProperty("data").GetRawText());
        Assert.Equal("[null,2]", Write("d", @double).GetProperty("data").GetRawText());
    }

    [Fact]
    public void Write_Int8_WritesNumbers() => AssertData(new sbyte[] { -128, 127 }, "INT8", "[-128,127]");

    [Fact]
    public void Write_Int16_WritesNumbers() => AssertData(new short[] { -32768, 32767 }, "INT16", "[-32768,32767]");

    [Fact]
    public void Write_Int32_WritesNumbers() => AssertData(new[] { int.MinValue, 300 }, "INT32", "[-2147483648,300]");

    [Fact]
    public void Write_Int64_WritesEveryDigit() =>
        AssertData(new[] { 3000000001L, 9007199254740993L, long.MaxValue }, "INT64", "[3000000001,9007199254740993,9223372036854775807]");

    [Fact]
    public void Write_Uint8_WritesNumbers() => AssertData(new byte[] { 0, 255 }, "UINT8", "[0,255]");

    [Fact]
    public void Write_Uint16_WritesNumbers() => AssertData(new ushort[] { 0, 65535 }, "UINT16", "[0,65535]");

    [Fact]
    public void Write_Uint32_WritesNumbers() => AssertData(new[] { 0u, uint.MaxValue }, "UINT32", "[0,4294967295]");

    [Fact]
    public void Write_Uint64_WritesNumbers() => AssertData(new[] { 0ul, ulong.MaxValue }, "UINT64", "[0,18446744073709551615]");

    [Fact]
    public void Write_Bool_WritesJsonBooleans() => AssertData(new[] { false, true }, "BOOL", "[false,true]");

    [Fact]
    public void Write_StringTensor_WritesBytesAsStrings()
    {
        using var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [2]);
        value.StringTensorSetElementAt("setosa", 0);
        value.StringTensorSetElementAt("vïrginica \"quoted\"", 1);

        var tensor = Write("label", value);

        Assert.Equal("BYTES", tensor.GetProperty("datatype").GetString());
        Assert.Equal(["setosa", "vïrginica \"quoted\""], tensor.GetProperty("data").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void Write_Fp16_WritesShortestNumbersThatReadBackAsTheSameHalf()
    {
        Half[] halves = [(Half)0.1, (Half)(-2.5), Half.MaxValue, Half.Epsilon, (Half)1000];
        using var value = OrtValue.CreateTensorValueFromMemory(halves.Select(h => new Float16(BitConverter.HalfToUInt16Bits(h))).ToArray(), [5]);

        var tensor = Write("half", value);

        Assert.Equal("FP16", tensor.GetProperty("datatype").GetString());
        var data = tensor.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal("0.1", data[0].GetRawText());
        Assert.Equal("-2.5", data[1].GetRawText());
        Assert.Equal(halves, data.Select(d => (Half)d.GetDouble()));
    }

    [Fact]
    public void Write_Fp16NonFinite_WritesNull()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { Float16.NaN, Float16.PositiveInfinity, Float16.One }, [3]);

        Assert.Equal("[null,null,1]", Write("half", value).GetProperty("data").GetRawText());
    }

    [Fact]
    public void Write_Bf16_WritesNumbers()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { (BFloat16)1.5f, (BFloat16)(-256f) }, [2]);

        var tensor = Write("b", value);

        Assert.Equal("BF16", tensor.GetProperty("datatype").GetString());
        Assert.Equal("[1.5,-256]", tensor.GetProperty("data").GetRawText());
    }

    [Fact]
    public void Write_StringTensorNotUtf8_ThrowsBadRequestSuggestingBinaryData()
    {
        using var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [2]);
        value.StringTensorSetElementAt("ok".AsSpan(), 0);
        value.StringTensorSetElementAt(new byte[] { 0xFF, 0xFE }, 1);

        var error = Assert.Throws<InferenceRequestException>(() => Write("raw", value));

        Assert.Equal(400, WorkerErrors.Classify(error)!.Status);
        Assert.Contains("element 1 is not UTF-8", error.Message);
        Assert.Contains("binary_data", error.Message);
    }

    [Fact]
    public void WriteBinary_Tensor_WritesSizeInParametersAndNoData()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { 1f, 2f }, [1, 2]);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            TensorWriter.WriteBinary(writer, "scores", value, 8);
        }

        Assert.Equal("""{"name":"scores","datatype":"FP32","shape":[1,2],"parameters":{"binary_data_size":8}}""", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Write_Sequence_ThrowsBadRequestAskingForTensorOutputs()
    {
        using var value = OrtValue.CreateSequence(new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(new[] { 1f }, [1]) });

        var error = Assert.Throws<InferenceRequestException>(() => Write("probabilities_map", value));

        Assert.Equal(400, WorkerErrors.Classify(error)!.Status);
        Assert.Contains("'outputs' field", error.Message);
    }

    private static void AssertData<T>(T[] data, string datatype, string json)
        where T : unmanaged
    {
        using var value = OrtValue.CreateTensorValueFromMemory(data, [data.Length]);

        var tensor = Write("out", value);

        Assert.Equal(datatype, tensor.GetProperty("datatype").GetString());
        Assert.Equal($"[{data.Length}]", tensor.GetProperty("shape").GetRawText());
        Assert.Equal(json, tensor.GetProperty("data").GetRawText());
    }

    private static JsonElement Write(string name, OrtValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            TensorWriter.Write(writer, name, value);
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }
}
