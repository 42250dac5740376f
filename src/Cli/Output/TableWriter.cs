using System.Text.Json;

namespace Maestro.Cli.Output;

/// <summary>Rows as an aligned text table: a header line, a rule, one line per row; "(none)" when there are no rows.</summary>
internal static class TableWriter
{
    public static void Write(TextWriter writer, IReadOnlyList<Column> columns, IEnumerable<JsonElement> rows)
    {
        var cells = rows.Select(row => columns.Select(c => c.Cell(row).ReplaceLineEndings(" ")).ToArray()).ToList();
        if (cells.Count == 0)
        {
            writer.WriteLine("(none)");
            return;
        }

        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Max(row => row[i].Length))).ToArray();
        writer.WriteLine(Line(columns.Select(c => c.Header).ToArray(), widths));
        writer.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray(), widths));
        foreach (var row in cells)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] values, int[] widths) =>
        string.Join("  ", values.Select((v, i) => i == values.Length - 1 ? v : v.PadRight(widths[i]))).TrimEnd();
}
