using Maestro.Cli.Output;

namespace Maestro.Cli.Tests.Output;

public sealed class ProgressBarTests
{
    [Fact]
    public void Report_NotATerminal_WritesOneLinePerQuarter()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(writer, isTerminal: false, "uploading m.onnx");

        for (var sent = 0; sent <= 4096; sent += 64)
        {
            bar.Report(sent, 4096);
        }

        Assert.Equal(
            ["uploading m.onnx: 0% (0 B of 4.0 KB)", "uploading m.onnx: 25% (1.0 KB of 4.0 KB)", "uploading m.onnx: 50% (2.0 KB of 4.0 KB)",
             "uploading m.onnx: 75% (3.0 KB of 4.0 KB)", "uploading m.onnx: 100% (4.0 KB of 4.0 KB)"],
            writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Report_Terminal_RedrawsOneBarAndEndsTheLineWhenDone()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(writer, isTerminal: true, "up");

        bar.Report(512, 1024);
        bar.Report(1024, 1024);

        var text = writer.ToString();
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.Contains("[###############...............]  50%", text);
        Assert.EndsWith("100% 1.0 KB/1.0 KB" + Environment.NewLine, text);
    }
}
