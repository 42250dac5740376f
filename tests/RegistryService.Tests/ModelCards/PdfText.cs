using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Maestro.RegistryService.Tests.ModelCards;

/// <summary>
/// Reads a PDF the way a test needs to: its pages and the text its content streams draw. Handles
/// what the registry writes (Flate-compressed streams, literal strings in WinAnsi), not every PDF.
/// </summary>
internal static partial class PdfText
{
    public static bool IsPdf(byte[] pdf) => pdf.AsSpan().StartsWith("%PDF-"u8);

    /// <summary>Page objects in the file (<c>/Type /Page</c>, not <c>/Pages</c>).</summary>
    public static int PageCount(byte[] pdf) => PageObject().Count(Latin1(pdf));

    /// <summary>Every string shown with Tj or TJ, one line per string, in stream order.</summary>
    public static string Extract(byte[] pdf)
    {
        var text = new StringBuilder();
        foreach (var content in Streams(pdf))
        {
            foreach (Match shown in ShownString().Matches(content))
            {
                text.AppendLine(Unescape(shown.Groups[1].Value));
            }
        }

        return text.ToString();
    }

    private static IEnumerable<string> Streams(byte[] pdf)
    {
        var file = Latin1(pdf);
        foreach (Match stream in StreamBody().Matches(file))
        {
            var bytes = Encoding.Latin1.GetBytes(stream.Groups[1].Value);
            string decoded;
            try
            {
                using var inflater = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                inflater.CopyTo(output);
                decoded = Latin1(output.ToArray());
            }
            catch (InvalidDataException)
            {
                decoded = stream.Groups[1].Value; // Not compressed (or not Flate): read as it is.
            }

            yield return decoded;
        }
    }

    private static string Unescape(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] != '\\' || i + 1 == literal.Length)
            {
                text.Append(literal[i]);
                continue;
            }

            var next = literal[++i];
            if (next is >= '0' and <= '7')
            {
                var digits = 1;
                while (digits < 3 && i + 1 < literal.Length && literal[i + 1] is >= '0' and <= '7')
                {
                    i++;
                    digits++;
                }

                text.Append((char)Convert.ToInt32(literal.Substring(i - digits + 1, digits), 8));
                continue;
            }

            text.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', _ => next });
        }

        return text.ToString();
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z])")]
    private static partial Regex PageObject();

    [GeneratedRegex(@"stream\r?\n(.*?)\r?\nendstream", RegexOptions.Singleline)]
    private static partial Regex StreamBody();

    [GeneratedRegex(@"\(((?:\\.|[^\\)])*)\)\s*Tj")]
    private static partial Regex ShownString();
}
