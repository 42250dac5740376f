using System.Text.Json;
using Maestro.Cli.Output;

namespace Maestro.Cli.Tests.Output;

public sealed class TableWriterTests
{
    [Fact]
    public void Write_Rows_AlignsColumnsUnderTheirHeaders()
    {
        using var rows = JsonDocument.Parse("""[{"name": "fraud-detector", "tags": {"team": "risk"}}, {"name": "iris", "tags": {}}]""");
        var writer = new StringWriter();

        TableWriter.Write(writer, [Column.Of("NAME", "name"), Column.Of("TAGS", "tags")], rows.RootElement.EnumerateArray());

        Assert.Equal(
            ["NAME            TAGS", "--------------  ---------", "fraud-detector  team=risk", "iris"],
            writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Write_NoRows_SaysNone()
    {
        var writer = new StringWriter();

        TableWriter.Write(writer, [Column.Of("NAME", "name")], []);

        Assert.Equal("(none)", writer.ToString().Trim());
    }
}
