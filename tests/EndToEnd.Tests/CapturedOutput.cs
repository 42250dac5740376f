using System.Diagnostics;
using System.Text;

namespace Maestro.EndToEnd.Tests;

/// <summary>Everything a started process writes to stdout and stderr, line by line, for failure messages.</summary>
internal sealed class CapturedOutput
{
    private readonly StringBuilder _lines = new();
    private readonly Lock _lock = new();

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _lines.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="process"/> (its output redirected) and collects what it writes.</summary>
    public void Start(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.AppendLine(line);
        }
    }
}
