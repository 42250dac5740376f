using System.IO.Pipelines;
using System.Text;
using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.V2;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Tests.V2;

public sealed class BinaryTensorDataTests
{
    [Fact]
    public void Read_Fp32LittleEndianBytes_CreatesTensorOfShape()
    {
        var bytes = new byte[] { 0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0 }; // 1.5f, -2f

        using var value = BinaryTensorData.Read("x", TensorElementType.Float, [1, 2], bytes);

        Assert.Equal([1L, 2L], value.GetTensorTypeAndShape().Shape);
        Assert.Equal([1.5f, -2f], value.GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Read_Fp16Bytes_CreatesHalfTensor()
    {
        var bytes = new byte[] { 0x00, 0x3E, 0x66, 0x2E }; // 1.5, 0.1 (0x2E66)

        using var value = BinaryTensorData.Read("x", TensorElementType.Float16, [2], bytes);

        Assert.Equal(TensorElementType.Float16, value.GetTensorTypeAndShape().ElementDataType);
        Assert.Equal([(Half)1.5, (Half)0.1], value.GetTensorDataAsSpan<Float16>().ToArray().Select(h => BitConverter.UInt16BitsToHalf(h.value)));
    }

    [Fact]
    public void Read_Bytes_ReadsLengthPrefixedUtf8Elements()
    {
        byte[] bytes = [6, 0, 0, 0, .. "setosa"u8, 0, 0, 0, 0, 3, 0, 0, 0, .. "ï!"u8];

        using var value = BinaryTensorData.Read("x", TensorElementType.String, [3], bytes);

        Assert.Equal(["setosa", "", "ï!"], value.GetStringTensorAsArray());
    }

    [Fact]
    public void Read_SizeNotMatchingShape_ThrowsBadRequestWithBothSizes()
    {
        var error = Assert.Throws<InferenceRequestException>(() => BinaryTensorData.Read("x", TensorElementType.Int64, [2, 2], new byte[24]));

        Assert.Equal(400, WorkerErrors.Classify(error)!.Status);
        Assert.Equal("Input 'x' has 24 bytes of binary data, but 4 INT64 elements (shape [2, 2]) take 32.", error.Message);
    }

    [Fact]
    public void Read_HugeShapeOfBytes_ThrowsBeforeAllocating()
    {
        var error = Assert.Throws<InferenceRequestException>(() => BinaryTensorData.Read("x", TensorElementType.String, [1_000_000_000], new byte[8]));

        Assert.Contains("too few for 1000000000 BYTES elements", error.Message);
    }

    [Fact]
    public void Read_BoolOtherThanZeroOrOne_ThrowsBadRequest()
    {
        var error = Assert.Throws<InferenceRequestException>(() => BinaryTensorData.Read("flag", TensorElementType.Bool, [3], [1, 0, 2]));

        Assert.Equal("Input 'flag' element 2 is byte 2; a binary BOOL is 0 or 1.", error.Message);
    }

    [Fact]
    public void SizeOf_StringTensor_CountsLengthPrefixes()
    {
        using var value = Strings("ab", "", "ï");

        Assert.Equal(4 + 2 + 4 + 0 + 4 + 2, BinaryTensorData.SizeOf(value));
    }

    [Fact]
    public async Task WriteAsync_Int64Tensor_WritesLittleEndianBytes()
    {
        using var value = OrtValue.CreateTensorValueFromMemory(new[] { 1L, -2L }, [2]);

        var bytes = await WriteAsync(value);

        Assert.Equal(BinaryTensorData.SizeOf(value), bytes.Length);
        Assert.Equal([1, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], bytes);
    }

    [Fact]
    public async Task WriteAsync_LargerThanOneChunk_WritesEveryByte()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (double)i).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, [data.Length]);

        var bytes = await WriteAsync(value);

        Assert.Equal(data, Enumerable.Range(0, data.Length).Select(i => BitConverter.ToDouble(bytes, i * 8)));
    }

    [Fact]
    public async Task WriteAsync_StringTensor_WritesLengthPrefixedElementsThatReadBack()
    {
        using var value = Strings("setosa", "", "vïrginica");

        var bytes = await WriteAsync(value);

        Assert.Equal(BinaryTensorData.SizeOf(value), bytes.Length);
        using var back = BinaryTensorData.Read("x", TensorElementType.String, [3], bytes);
        Assert.Equal(["setosa", "", "vïrginica"], back.GetStringTensorAsArray());
    }

    private static OrtValue Strings(params string[] items)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [items.Length]);
        for (var i = 0; i < items.Length; i++)
        {
            value.StringTensorSetElementAt(Encoding.UTF8.GetBytes(items[i]), i);
        }

        return value;
    }

    private static async Task<byte[]> WriteAsync(OrtValue value)
    {
        using var stream = new MemoryStream();
        var pipe = PipeWriter.Create(stream);
        await BinaryTensorData.WriteAsync(pipe, value, CancellationToken.None);
        await pipe.CompleteAsync();
        return stream.ToArray();
    }
}
