using System.Text.Json;
using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.V2;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Tests.V2;

public sealed class TensorReaderTests
{
    [Fact]
    public void Read_Fp32_KeepsValuesAndShape() =>
        AssertRead(TensorElementType.Float, "[[1.5, -2], [0.25, 3e38]]", [2, 2], new[] { 1.5f, -2f, 0.25f, 3e38f });

    [Fact]
    public void Read_Fp64_KeepsFullPrecision() =>
        AssertRead(TensorElementType.Double, "[0.1, 1e300, -5e-324]", [3], new[] { 0.1, 1e300, -5e-324 });

    [Fact]
    public void Read_Int8_KeepsRangeEnds() =>
        AssertRead(TensorElementType.Int8, "[-128, 127]", [2], new sbyte[] { -128, 127 });

    [Fact]
    public void Read_Int16_KeepsRangeEnds() =>
        AssertRead(TensorElementType.Int16, "[-32768, 32767]", [1, 2], new short[] { -32768, 32767 });

    [Fact]
    public void Read_Int32_KeepsRangeEnds() =>
        AssertRead(TensorElementType.Int32, "[-2147483648, 2147483647]", [2], new[] { int.MinValue, int.MaxValue });

    [Fact]
    public void Read_Int64_KeepsValuesBeyondDoublePrecision() =>
        AssertRead(TensorElementType.Int64, "[3000000000, 9007199254740993, -9223372036854775808]", [3],
            new[] { 3000000000L, 9007199254740993L, long.MinValue });

    [Fact]
    public void Read_Uint8_KeepsRangeEnds() =>
        AssertRead(TensorElementType.UInt8, "[0, 255]", [2], new byte[] { 0, 255 });

    [Fact]
    public void Read_Uint16_KeepsRangeEnds() =>
        AssertRead(TensorElementType.UInt16, "[0, 65535]", [2], new ushort[] { 0, 65535 });

    [Fact]
    public void Read_Uint32_KeepsRangeEnds() =>
        AssertRead(TensorElementType.UInt32, "[0, 4294967295]", [2], new[] { 0u, uint.MaxValue });

    [Fact]
    public void Read_Uint64_KeepsRangeEnds() =>
        AssertRead(TensorElementType.UInt64, "[0, 18446744073709551615]", [2], new[] { 0ul, ulong.MaxValue });

    [Fact]
    public void Read_Bool_KeepsValues() =>
        AssertRead(TensorElementType.Bool, "[[true, false], [false, true]]", [2, 2], new[] { true, false, false, true });

    [Fact]
    public void Read_Fp16_RoundsToNearestHalf()
    {
        using var document = JsonDocument.Parse("[0.1, -2.5, 65504, 6e-8]");
        using var value = TensorReader.Read("x", TensorElementType.Float16, [2, 2], document.RootElement);

        Assert.Equal(TensorElementType.Float16, value.GetTensorTypeAndShape().ElementDataType);
        Assert.Equal([(Half)0.1, (Half)(-2.5), Half.MaxValue, (Half)6e-8],
            value.GetTensorDataAsSpan<Float16>().ToArray().Select(h => BitConverter.UInt16BitsToHalf(h.value)));
    }

    [Fact]
    public void Read_Bf16_KeepsValuesRepresentableInBf16()
    {
        using var document = JsonDocument.Parse("[1.5, -2, 256]");
        using var value = TensorReader.Read("x", TensorElementType.BFloat16, [3], document.RootElement);

        Assert.Equal(TensorElementType.BFloat16, value.GetTensorTypeAndShape().ElementDataType);
        Assert.Equal([1.5f, -2f, 256f], value.GetTensorDataAsSpan<BFloat16>().ToArray().Select(v => (float)v));
    }

    [Fact]
    public void Read_Bytes_CreatesStringTensorOfShape()
    {
        using var document = JsonDocument.Parse("""[["setosa", ""], ["vïrginica \"q\"", "\u00e9"]]""");
        using var value = TensorReader.Read("x", TensorElementType.String, [2, 2], document.RootElement);

        Assert.Equal(TensorElementType.String, value.GetTensorTypeAndShape().ElementDataType);
        Assert.Equal([2L, 2L], value.GetTensorTypeAndShape().Shape);
        Assert.Equal(["setosa", "", "vïrginica \"q\"", "é"], value.GetStringTensorAsArray());
    }

    [Fact]
    public void Read_ScalarShapeWithBareValue_ReadsOneElement() =>
        AssertRead(TensorElementType.Float, "4.5", [], new[] { 4.5f });

    [Fact]
    public void Read_EmptyShape_ReadsNoElements() =>
        AssertRead(TensorElementType.Float, "[]", [0, 3], Array.Empty<float>());

    [Theory]
    [InlineData(TensorElementType.Int8, "[1, 128]", "element 1 (128) is not a valid INT8 value")]
    [InlineData(TensorElementType.UInt8, "[-1, 2]", "element 0 (-1) is not a valid UINT8 value")]
    [InlineData(TensorElementType.Int32, "[1, 2.5]", "element 1 (2.5) is not a valid INT32 value")]
    [InlineData(TensorElementType.Int32, "[1, 2147483648]", "element 1 (2147483648) is not a valid INT32 value")]
    [InlineData(TensorElementType.Int64, "[1, 9223372036854775808]", "element 1 (9223372036854775808) is not a valid INT64 value")]
    [InlineData(TensorElementType.UInt64, "[1, -1]", "element 1 (-1) is not a valid UINT64 value")]
    [InlineData(TensorElementType.Float, "[1, 1e39]", "element 1 (1e39) is not a valid FP32 value")]
    [InlineData(TensorElementType.Double, "[1e999, 1]", "element 0 (1e999) is not a valid FP64 value")]
    [InlineData(TensorElementType.Float, "[1, \"2\"]", "element 1 (\"2\") is not a valid FP32 value")]
    [InlineData(TensorElementType.Float, "[1, null]", "element 1 (null) is not a valid FP32 value")]
    [InlineData(TensorElementType.Int64, "[1, true]", "element 1 (true) is not a valid INT64 value")]
    [InlineData(TensorElementType.Double, "[{\"x\": 1}, 2]", "element 0 ({\"x\": 1}) is not a valid FP64 value")]
    [InlineData(TensorElementType.Bool, "[true, 1]", "element 1 (1) is not a valid BOOL value")]
    [InlineData(TensorElementType.Bool, "[\"true\", false]", "element 0 (\"true\") is not a valid BOOL value")]
    [InlineData(TensorElementType.Float16, "[1, 65520]", "element 1 (65520) is not a valid FP16 value")]
    [InlineData(TensorElementType.Float16, "[\"1\", 2]", "element 0 (\"1\") is not a valid FP16 value")]
    [InlineData(TensorElementType.BFloat16, "[1, 1e39]", "element 1 (1e39) is not a valid BF16 value")]
    [InlineData(TensorElementType.String, "[\"a\", 1]", "element 1 (1) is not a valid BYTES value: send JSON strings")]
    [InlineData(TensorElementType.String, "[true, \"a\"]", "element 0 (true) is not a valid BYTES value: send JSON strings")]
    public void Read_InvalidElement_ThrowsBadRequestNamingIt(TensorElementType type, string data, string expected)
    {
        var error = ReadError(type, data, [2]);

        Assert.Equal($"Input 'x' {expected}.", error.Message);
    }

    [Theory]
    [InlineData("[1, 2, 3]", "has 3 elements in 'data' but its shape [2, 2] needs 4")]
    [InlineData("[[1, 2], [3, 4], [5]]", "has 5 elements in 'data' but its shape [2, 2] needs 4")]
    [InlineData("[]", "has 0 elements in 'data' but its shape [2, 2] needs 4")]
    public void Read_DataCountNotMatchingShape_ThrowsBadRequestWithBothCounts(string data, string expected)
    {
        var error = ReadError(TensorElementType.Float, data, [2, 2]);

        Assert.Equal($"Input 'x' {expected}.", error.Message);
    }

    [Fact]
    public void Read_ShapeOfBillionsWithLittleData_ThrowsBeforeAllocating()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = ReadError(TensorElementType.Double, "[1, 2]", [1_000_000_000, 2]);

        Assert.Contains("has 2 elements in 'data'", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the shape's size was allocated before the data was counted");
    }

    [Fact]
    public void Read_ShapeBeyondArrayLimit_ThrowsBadRequest()
    {
        var error = ReadError(TensorElementType.Float, "[1]", [long.MaxValue / 2, 4]);

        Assert.Contains("has too many elements", error.Message);
    }

    [Fact]
    public void Read_NegativeDimension_ThrowsBadRequest()
    {
        var error = ReadError(TensorElementType.Float, "[1]", [-1]);

        Assert.Contains("negative dimension", error.Message);
    }

    [Theory]
    [InlineData(TensorElementType.Complex64, "COMPLEX64")]
    public void Read_DatatypeV2DoesNotHave_ThrowsBadRequestNamingIt(TensorElementType type, string name)
    {
        var error = ReadError(type, "[1]", [1]);

        Assert.Contains($"datatype {name}", error.Message);
    }

    private static void AssertRead<T>(TensorElementType type, string json, long[] shape, T[] expected)
        where T : unmanaged
    {
        using var document = JsonDocument.Parse(json);
        using var value = TensorReader.Read("x", type, shape, document.RootElement);

        var info = value.GetTensorTypeAndShape();
        Assert.Equal(type, info.ElementDataType);
        Assert.Equal(shape, info.Shape);
        Assert.Equal(expected, value.GetTensorDataAsSpan<T>().ToArray());
    }

    private static InferenceRequestException ReadError(TensorElementType type, string json, long[] shape)
    {
        using var document = JsonDocument.Parse(json);
        var error = Assert.Throws<InferenceRequestException>(() => TensorReader.Read("x", type, shape, document.RootElement).Dispose());
        Assert.Equal(400, WorkerErrors.Classify(error)!.Status);
        return error;
    }
}
