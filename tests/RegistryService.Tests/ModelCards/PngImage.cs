using System.Buffers.Binary;
using System.IO.Compression;

namespace Maestro.RegistryService.Tests.ModelCards;

/// <summary>
/// Reads the pixels of an 8-bit grayscale or RGB PNG (what <c>pdftoppm -png</c> writes): the IDAT
/// chunks inflated, each row unfiltered, each pixel reduced to its brightness. Enough to tell a drawn
/// page from a blank one.
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, byte[] brightness) => (Width, Height, Brightness) = (width, height, brightness);

    public int Width { get; }

    public int Height { get; }

    /// <summary>One byte per pixel, row after row; 0 is black, 255 white.</summary>
    public byte[] Brightness { get; }

    /// <summary>The share of pixels darker than mid-gray.</summary>
    public double DarkFraction => Brightness.Count(pixel => pixel < 128) / (double)Brightness.Length;

    public static bool HasSignature(ReadOnlySpan<byte> file) =>
        file.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

    public static PngImage Read(byte[] file)
    {
        if (!HasSignature(file))
        {
            throw new InvalidDataException("Not a PNG file.");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var at = 8; at + 8 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                channels = (data[8], data[9], data[12]) switch
                {
                    (8, 0, 0) => 1,
                    (8, 2, 0) => 3,
                    var (depth, color, interlace) => throw new InvalidDataException(
                        $"Only 8-bit, non-interlaced grayscale or RGB is read (bit depth {depth}, color type {color}, interlace {interlace})."),
                };
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var samples = Unfilter(inflated.ToArray(), width * channels, height, channels);
        var brightness = new byte[width * height];
        for (var pixel = 0; pixel < brightness.Length; pixel++)
        {
            var at = pixel * channels;
            brightness[pixel] = channels == 1 ? samples[at] : (byte)((samples[at] * 299 + samples[at + 1] * 587 + samples[at + 2] * 114) / 1000);
        }

        return new PngImage(width, height, brightness);
    }

    private static byte[] Unfilter(byte[] raw, int stride, int height, int bytesPerPixel)
    {
        var samples = new byte[stride * height];
        var none = new byte[stride];
        for (var row = 0; row < height; row++)
        {
            var filter = raw[row * (stride + 1)];
            var line = raw.AsSpan(row * (stride + 1) + 1, stride);
            var output = samples.AsSpan(row * stride, stride);
            ReadOnlySpan<byte> above = row > 0 ? samples.AsSpan((row - 1) * stride, stride) : none;
            for (var x = 0; x < stride; x++)
            {
                int left = x >= bytesPerPixel ? output[x - bytesPerPixel] : 0;
                int up = above[x];
                int upLeft = x >= bytesPerPixel ? above[x - bytesPerPixel] : 0;
                output[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter} in row {row}."),
                });
            }
        }

        return samples;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
