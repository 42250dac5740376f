using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// One printable line of a section: text at a nesting <paramref name="Depth"/>, optionally a bullet
/// item, optionally led by a <paramref name="Key"/> ("key: value").
/// </summary>
internal sealed record SectionLine(int Depth, bool Bullet, string? Key, string Text)
{
    /// <summary>
    /// Flattens a section for reading: a string becomes its paragraphs, an object its "key: value"
    /// lines (nested values indented under their key), an array a bullet list.
    /// </summary>
    public static IReadOnlyList<SectionLine> From(JsonElement content)
    {
        var lines = new List<SectionLine>();
        Append(lines, content, depth: 0, bullet: false, key: null);
        return lines;
    }

    private static void Append(List<SectionLine> lines, JsonElement value, int depth, bool bullet, string? key)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (key is not null || bullet)
                {
                    if (key is null && value.EnumerateObject().Any())
                    {
                        // A list item that is an object: its first property carries the bullet, the rest sit under it.
                        var first = true;
                        foreach (var property in value.EnumerateObject())
                        {
                            Append(lines, property.Value, first ? depth : depth + 1, first, Humanize(property.Name));
                            first = false;
                        }

                        return;
                    }

                    lines.Add(new SectionLine(depth, bullet, key, value.EnumerateObject().Any() ? "" : "(none)"));
                    depth++;
                }

                foreach (var property in value.EnumerateObject())
                {
                    Append(lines, property.Value, depth, bullet: false, Humanize(property.Name));
                }

                break;
            case JsonValueKind.Array:
                if (key is not null || bullet)
                {
                    lines.Add(new SectionLine(depth, bullet, key, value.GetArrayLength() == 0 ? "(none)" : ""));
                    depth++;
                }

                foreach (var item in value.EnumerateArray())
                {
                    Append(lines, item, depth, bullet: true, key: null);
                }

                break;
            case JsonValueKind.String:
                var paragraphs = Clean(value.GetString()!).Split('\n');
                for (var i = 0; i < paragraphs.Length; i++)
                {
                    lines.Add(i == 0
                        ? new SectionLine(depth, bullet, key, paragraphs[i])
                        : new SectionLine(depth + (key is null && !bullet ? 0 : 1), false, null, paragraphs[i]));
                }

                break;
            default:
                lines.Add(new SectionLine(depth, bullet, key, Scalar(value)));
                break;
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null => "(none)",
        JsonValueKind.Number => value.TryGetDouble(out var number) ? number.ToString("G", CultureInfo.InvariantCulture) : value.GetRawText(),
        _ => value.GetRawText(),
    };

    /// <summary><c>f1_score</c> → "F1 score": keys read as labels.</summary>
    private static string Humanize(string key) =>
        key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..].Replace('_', ' ');

    /// <summary>Newlines normalised, tabs as spaces, other control characters dropped.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'))
        {
            if (c == '\t')
            {
                builder.Append("    ");
            }
            else if (c == '\n' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().TrimEnd('\n');
    }
}
