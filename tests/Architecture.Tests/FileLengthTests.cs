using System.Text.RegularExpressions;

namespace Maestro.Architecture.Tests;

/// <summary>No file in <c>src/</c> is over 300 lines unless its first line says why: <c>// Over 300 lines: &lt;reason&gt;</c>.</summary>
public sealed partial class FileLengthTests
{
    public const int MaxLines = 300;

    [Fact]
    public void SourceFiles_OverThreeHundredLines_GiveAOneLineReasonAtTheTop()
    {
        var unexplained = SrcProjects.Names
            .SelectMany(project => SrcProjects.Sources(project).Select(file => (Path: $"src/{project}/{file.Path}", file.Text)))
            .Select(file => (file.Path, Lines: LineCount(file.Text), FirstLine: file.Text.Split('\n')[0].TrimEnd('\r')))
            .Where(file => file.Lines > MaxLines && !HasReason(file.FirstLine))
            .Select(file => $"{file.Path}: {file.Lines} lines")
            .ToArray();

        Assert.True(unexplained.Length == 0,
            $"Split these, or start them with '// Over {MaxLines} lines: <why it reads better whole>':{Environment.NewLine}{string.Join(Environment.NewLine, unexplained)}");
    }

    [Theory]
    [InlineData("// Over 300 lines: one lock-guarded queue whose invariants must be read together.", true)]
    [InlineData("// Over 300 lines:", false)]
    [InlineData("// Over 300 lines: ok", false)]
    [InlineData("using System;", false)]
    [InlineData("// A long file.", false)]
    public void HasReason_FirstLine_IsAReasonOnlyWhenItSaysOneAfterTheMarker(string firstLine, bool expected) =>
        Assert.Equal(expected, HasReason(firstLine));

    [Theory]
    [InlineData("a\nb\nc", 3)]
    [InlineData("a\nb\nc\n", 3)]
    [InlineData("", 0)]
    public void LineCount_Text_CountsLinesAsAnEditorShowsThem(string text, int expected) => Assert.Equal(expected, LineCount(text));

    private static bool HasReason(string firstLine) => Reason().IsMatch(firstLine);

    private static int LineCount(string text) => text.Length == 0 ? 0 : text.Split('\n').Length - (text.EndsWith('\n') ? 1 : 0);

    [GeneratedRegex(@"^// Over 300 lines: \S.{9,}$")]
    private static partial Regex Reason();
}
