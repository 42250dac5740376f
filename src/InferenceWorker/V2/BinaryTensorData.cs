using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// Tensors in Triton's binary tensor data extension: raw little-endian elements, row-major, BOOL as
/// one byte (0 or 1); BYTES elements each as a 4-byte little-endian length followed by that many bytes.
/// </summary>
internal static class BinaryTensorData
{
    /// <summary>How much of a large tensor is handed to the response at once before waiting for the client.</summary>
    private const int ChunkSize = 64 * 1024;

    public static OrtValue Read(string inputName, TensorElementType type, long[] shape, ReadOnlySpan<byte> bytes)
    {
        var count = TensorReader.ElementCount(inputName, shape);
        if (type == TensorElementType.String)
        {
            return ReadStrings(inputName, shape, count, bytes);
        }

        var needed = (long)count * OnnxDatatypes.ElementSize(type);
        if (bytes.Length != needed)
        {
            throw new InferenceRequestException(
                $"Input '{inputName}' has {bytes.Length} bytes of binary data, but {count} {OnnxDatatypes.NameOf(type)} elements (shape [{string.Join(", ", shape)}]) take {needed}.");
        }

        if (type == TensorElementType.Bool && bytes.IndexOfAnyExcept((byte)0, (byte)1) is var bad and >= 0)
        {
            throw new InferenceRequestException($"Input '{inputName}' element {bad} is byte {bytes[bad]}; a binary BOOL is 0 or 1.");
        }

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        if (count > 0)
        {
            bytes.CopyTo(value.GetTensorMutableRawData());
        }

        return value;
    }

    /// <summary>The number of bytes <see cref="WriteAsync"/> writes for <paramref name="value"/>.</summary>
    public static long SizeOf(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.String)
        {
            return info.ElementCount * OnnxDatatypes.ElementSize(info.ElementDataType);
        }

        long size = 0;
        for (var i = 0; i < info.ElementCount; i++)
        {
            size += sizeof(uint) + value.GetStringElementAsSpan(i).Length;
        }

        return size;
    }

    /// <summary>Copies the tensor's elements from ONNX Runtime's memory straight into the response, chunk by chunk.</summary>
    public static async ValueTask WriteAsync(PipeWriter pipe, OrtValue value, CancellationToken cancellationToken)
    {
        var info = value.GetTensorTypeAndShape();
        var isString = info.ElementDataType == TensorElementType.String;
        var end = isString ? info.ElementCount : info.ElementCount * OnnxDatatypes.ElementSize(info.ElementDataType);
        for (long position = 0; position < end;)
        {
            position = isString ? WriteStrings(pipe, value, position, end) : WriteBytes(pipe, value, position, end);
            var flushed = await pipe.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return;
            }
        }
    }

    private static OrtValue ReadStrings(string inputName, long[] shape, int count, ReadOnlySpan<byte> bytes)
    {
        // Every element takes at least its 4-byte length: checked before the tensor is allocated.
        if ((long)count * sizeof(uint) > bytes.Length)
        {
            throw new InferenceRequestException(
                $"Input '{inputName}' has {bytes.Length} bytes of binary data, too few for {count} BYTES elements (shape [{string.Join(", ", shape)}]) of 4-byte length and content each.");
        }

        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            var offset = 0;
            for (var i = 0; i < count; i++)
            {
                if (bytes.Length - offset < sizeof(uint))
                {
                    throw new InferenceRequestException($"Input '{inputName}' binary data ends inside the length of element {i}.");
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
                offset += sizeof(uint);
                if (length > bytes.Length - offset)
                {
                    throw new InferenceRequestException(
                        $"Input '{inputName}' element {i} claims {length} bytes, but only {bytes.Length - offset} bytes of binary data remain.");
                }

                value.StringTensorSetElementAt(bytes.Slice(offset, (int)length), i);
                offset += (int)length;
            }

            if (offset != bytes.Length)
            {
                throw new InferenceRequestException(
                    $"Input '{inputName}' has {bytes.Length - offset} bytes of binary data after its {count} BYTES elements.");
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private static long WriteBytes(PipeWriter pipe, OrtValue value, long position, long end)
    {
        var length = (int)Math.Min(ChunkSize, end - position);
        pipe.Write(value.GetTensorMutableRawData().Slice((int)position, length));
        return position + length;
    }

    /// <summary>Writes elements from <paramref name="index"/> until about a chunk is written; returns the next index.</summary>
    private static long WriteStrings(PipeWriter pipe, OrtValue value, long index, long count)
    {
        var written = 0;
        for (; index < count && written < ChunkSize; index++)
        {
            var element = value.GetStringElementAsSpan((int)index);
            var prefix = pipe.GetSpan(sizeof(uint));
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)element.Length);
            pipe.Advance(sizeof(uint));
            pipe.Write(element);
            written += sizeof(uint) + element.Length;
        }

        return index;
    }
}
