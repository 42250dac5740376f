using System.Text;

namespace Maestro.RegistryService.Tests;

/// <summary>
/// Valid ONNX models of any size and content: a sample model with a second <c>doc_string</c>
/// (ModelProto field 6) appended. Protobuf keeps the last value of a repeated scalar field, so ONNX
/// Runtime loads the result as the sample with a different description, and every marker gives a
/// different SHA-256.
/// </summary>
internal static class PaddedModels
{
    private const byte DocStringTag = (6 << 3) | 2;

    public static byte[] Create(byte[] sample, string marker, int paddingBytes)
    {
        var text = Encoding.UTF8.GetBytes(marker + " " + new string('.', paddingBytes));
        using var model = new MemoryStream(sample.Length + text.Length + 16);
        model.Write(sample);
        model.WriteByte(DocStringTag);
        for (var length = (ulong)text.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                model.WriteByte((byte)length);
                break;
            }

            model.WriteByte((byte)((length & 0x7F) | 0x80));
        }

        model.Write(text);
        return model.ToArray();
    }
}
