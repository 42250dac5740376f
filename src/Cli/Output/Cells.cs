using System.Globalization;
using System.Text.Json;

namespace Maestro.Cli.Output;

/// <summary>Cell formats shared by the commands' tables.</summary>
internal static class Cells
{
    /// <summary>A millisecond Unix timestamp (the registry's) as UTC time to the second.</summary>
    public static Column Timestamp(string header, string name) => new(header, row =>
        row.TryGetProperty(name, out var value) && value.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : Column.Text(row.TryGetProperty(name, out var other) ? other : default));

    /// <summary>The latest versions of a model as "1 (Production), 2 (None)".</summary>
    public static string Versions(JsonElement model) =>
        model.TryGetProperty("latest_versions", out var versions) && versions.ValueKind == JsonValueKind.Array
            ? string.Join(", ", versions.EnumerateArray().Select(v => $"{Column.Text(v.GetProperty("version"))} ({Column.Text(v.GetProperty("current_stage"))})"))
            : "";

    public static string Field(JsonElement row, string name) => row.TryGetProperty(name, out var value) ? Column.Text(value) : "";
}
