using System.Globalization;

namespace Maestro.Cli.Output;

/// <summary>
/// Upload progress on stderr: on a terminal one bar redrawn in place; otherwise (logs, pipes) a line at
/// every quarter, so a log shows progress without thousands of lines.
/// </summary>
internal sealed class ProgressBar(TextWriter writer, bool isTerminal, string label)
{
    private const int Width = 30;
    private int _lastQuarter = -1;
    private int _lastPercent = -1;

    public void Report(long sent, long total)
    {
        var percent = total <= 0 ? 100 : (int)(sent * 100 / total);
        if (isTerminal)
        {
            if (percent == _lastPercent)
            {
                return;
            }

            _lastPercent = percent;
            var filled = percent * Width / 100;
            writer.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {Size(sent)}/{Size(total)}");
            if (sent >= total)
            {
                writer.WriteLine();
            }

            return;
        }

        var quarter = percent / 25;
        if (quarter != _lastQuarter)
        {
            _lastQuarter = quarter;
            writer.WriteLine($"{label}: {quarter * 25}% ({Size(sent)} of {Size(total)})");
        }
    }

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
    };
}
