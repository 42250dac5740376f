using Microsoft.Win32.SafeHandles;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Writes a model's skeleton: the same ONNX model whose large initializers (<c>raw_data</c> of at least
/// <see cref="MinExternalBytes"/>) are replaced by ONNX's external-data fields pointing back into the
/// model file itself (<c>location</c> its name, <c>offset</c> and <c>length</c> where the bytes are).
/// ONNX Runtime builds a session from it with every check it makes of the original (graph, operators,
/// types, shapes, each initializer's size against its shape) but maps the weights from the file instead
/// of copying them out of the parsed protobuf: for a 100 MB model, a millisecond instead of most of a
/// second. Only the file's field headers are read; the weights are skipped over.
/// </summary>
/// <remarks>
/// Rewritten: <c>ModelProto.graph</c> (7) → <c>GraphProto.initializer</c> (5) → <c>TensorProto.raw_data</c>
/// (9), as <c>data_location</c> (14) = EXTERNAL and <c>external_data</c> (13) entries. Everything else is
/// copied byte for byte. A file that is not a well-formed protobuf message to its last byte, or has no
/// initializer that large, gets no skeleton: the caller checks the file itself.
/// </remarks>
internal static class ModelSkeleton
{
    public const long MinExternalBytes = 64 * 1024;

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorRawData = 9;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;
    private const int DataLocationExternal = 1;

    /// <summary>The skeleton's path (beside <paramref name="modelPath"/>), or <c>null</c> when there is none to write.</summary>
    public static string? TryWrite(string modelPath)
    {
        using var file = File.OpenHandle(modelPath);
        var rewrite = new Rewrite(new Reader(file), Path.GetFileName(modelPath));
        using var skeleton = new MemoryStream();
        var whole = rewrite.Fields(0, rewrite.Length, ModelGraph, skeleton,
            (graph, output) => rewrite.Fields(graph.ValueStart, graph.End, GraphInitializer, output, rewrite.Tensor));
        if (!whole || rewrite.Externalized == 0)
        {
            return null;
        }

        var path = modelPath + ".skeleton.onnx";
        File.WriteAllBytes(path, skeleton.ToArray());
        return path;
    }

    /// <summary>One pass over a model file, counting the initializers it moved out.</summary>
    private sealed class Rewrite(Reader reader, string location)
    {
        public int Externalized { get; private set; }

        public long Length => reader.Length;

        /// <summary>
        /// Copies the fields of the message between <paramref name="start"/> and <paramref name="end"/>,
        /// each length-delimited field numbered <paramref name="number"/> as <paramref name="rewriteField"/>
        /// writes it; <c>false</c> when the bytes are not a well-formed message.
        /// </summary>
        public bool Fields(long start, long end, int number, MemoryStream output, Func<Field, MemoryStream, bool> rewriteField)
        {
            for (var position = start; position < end;)
            {
                if (reader.Next(position, end) is not { } field)
                {
                    return false;
                }

                if (field.Number == number && field.Wire == WireLengthDelimited)
                {
                    var value = new MemoryStream();
                    if (!rewriteField(field, value))
                    {
                        return false;
                    }

                    WriteLengthDelimited(output, number, value);
                }
                else
                {
                    reader.CopyTo(output, field.Start, field.End);
                }

                position = field.End;
            }

            return true;
        }

        public bool Tensor(Field tensor, MemoryStream output)
        {
            Field? rawData = null;
            var external = false;
            var fields = new List<Field>();
            for (var position = tensor.ValueStart; position < tensor.End;)
            {
                if (reader.Next(position, tensor.End) is not { } field)
                {
                    return false;
                }

                fields.Add(field);
                external |= field.Number is TensorExternalData or TensorDataLocation;
                if (field.Number == TensorRawData && field.Wire == WireLengthDelimited)
                {
                    rawData = field;
                }

                position = field.End;
            }

            // A tensor that already names external data is ONNX Runtime's to resolve (and refuse) as it is.
            var move = !external && rawData is { } found && found.End - found.ValueStart >= MinExternalBytes;
            foreach (var field in fields)
            {
                if (!(move && field.Number == TensorRawData))
                {
                    reader.CopyTo(output, field.Start, field.End);
                }
            }

            if (move)
            {
                var raw = rawData!.Value;
                WriteTag(output, TensorDataLocation, WireVarint);
                WriteVarint(output, DataLocationExternal);
                WriteEntry(output, "location", location);
                WriteEntry(output, "offset", raw.ValueStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
                WriteEntry(output, "length", (raw.End - raw.ValueStart).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Externalized++;
            }

            return true;
        }
    }

    /// <summary>An <c>external_data</c> entry: a <c>StringStringEntryProto</c> {key = 1, value = 2}.</summary>
    private static void WriteEntry(MemoryStream output, string key, string value)
    {
        var entry = new MemoryStream();
        WriteString(entry, 1, key);
        WriteString(entry, 2, value);
        WriteLengthDelimited(output, TensorExternalData, entry);
    }

    private static void WriteString(MemoryStream output, int number, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        WriteTag(output, number, WireLengthDelimited);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteLengthDelimited(MemoryStream output, int number, MemoryStream value)
    {
        WriteTag(output, number, WireLengthDelimited);
        WriteVarint(output, (ulong)value.Length);
        value.Position = 0;
        value.CopyTo(output);
    }

    private static void WriteTag(MemoryStream output, int number, int wire) => WriteVarint(output, ((ulong)number << 3) | (uint)wire);

    private static void WriteVarint(MemoryStream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }

    /// <summary>One field: its number and wire type, where it starts (its tag), where its value starts and where it ends.</summary>
    private readonly record struct Field(int Number, int Wire, long Start, long ValueStart, long End);

    /// <summary>Reads field headers at given positions of the file.</summary>
    private sealed class Reader(SafeFileHandle file)
    {
        private readonly byte[] _header = new byte[20];

        public long Length { get; } = RandomAccess.GetLength(file);

        /// <summary>The field at <paramref name="position"/>, or <c>null</c> when none fits before <paramref name="end"/>.</summary>
        public Field? Next(long position, long end)
        {
            var read = RandomAccess.Read(file, _header.AsSpan(0, (int)Math.Min(_header.Length, end - position)), position);
            var offset = 0;
            if (!TryVarint(_header.AsSpan(0, read), ref offset, out var tag) || tag >> 3 is 0 or > int.MaxValue)
            {
                return null;
            }

            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            long valueStart, valueEnd;
            switch (wire)
            {
                case WireVarint:
                    valueStart = position + offset;
                    if (!TryVarint(_header.AsSpan(0, read), ref offset, out _))
                    {
                        return null;
                    }

                    valueEnd = position + offset;
                    break;
                case WireFixed64:
                    (valueStart, valueEnd) = (position + offset, position + offset + 8);
                    break;
                case WireFixed32:
                    (valueStart, valueEnd) = (position + offset, position + offset + 4);
                    break;
                case WireLengthDelimited:
                    if (!TryVarint(_header.AsSpan(0, read), ref offset, out var length) || length > (ulong)(end - position))
                    {
                        return null;
                    }

                    (valueStart, valueEnd) = (position + offset, position + offset + (long)length);
                    break;
                default:
                    return null;
            }

            return valueEnd <= end ? new Field(number, wire, position, valueStart, valueEnd) : null;
        }

        public void CopyTo(MemoryStream output, long start, long end)
        {
            var buffer = new byte[(int)Math.Min(end - start, 1 << 20)];
            for (var position = start; position < end;)
            {
                var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - position)), position);
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                output.Write(buffer, 0, read);
                position += read;
            }
        }

        private static bool TryVarint(ReadOnlySpan<byte> bytes, ref int offset, out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64 && offset < bytes.Length; shift += 7)
            {
                var b = bytes[offset++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
