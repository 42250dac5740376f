using System.Globalization;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.ModelCards;

/// <summary>The registry's facts about a version as label/value pairs, worded the same in every format.</summary>
internal static class ModelCardFacts
{
    public static IReadOnlyList<(string Label, string Value)> Of(ModelCard card) =>
    [
        ("Name", card.Name),
        ("Version", card.Version.ToString(CultureInfo.InvariantCulture)),
        ("Stage", card.CurrentStage),
        ("SHA-256", card.Sha256),
        ("Size", Size(card.SizeBytes)),
        ("Producer", string.IsNullOrWhiteSpace(card.Producer) ? "unknown" : card.Producer),
        ("Created", Timestamp(card.CreationTimestamp)),
        ("Last updated", Timestamp(card.LastUpdatedTimestamp)),
    ];

    /// <summary><c>[-1, 4]</c> → "[-1, 4]" (-1: dynamic).</summary>
    public static string Shape(IReadOnlyList<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    public static string Size(long bytes)
    {
        string[] units = ["KB", "MB", "GB", "TB"];
        var exact = bytes.ToString("N0", CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        if (bytes < 1024)
        {
            return exact;
        }

        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]} ({exact})";
    }

    public static string Timestamp(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
