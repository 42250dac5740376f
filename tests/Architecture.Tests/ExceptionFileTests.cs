using System.Text.RegularExpressions;

namespace Maestro.Architecture.Tests;

/// <summary>Every exception type of <c>src/</c> lives in a file of its own, named after it, so a newcomer finds it by name.</summary>
public sealed partial class ExceptionFileTests
{
    [Fact]
    public void ExceptionTypes_InSrc_EachInAFileNamedAfterIt()
    {
        var misplaced = SrcProjects.Names
            .SelectMany(project => SrcProjects.Sources(project).Select(file => (Path: $"src/{project}/{file.Path}", file.Text)))
            .SelectMany(file => ExceptionsDeclaredElsewhere(Path.GetFileNameWithoutExtension(file.Path), file.Text).Select(type => $"{file.Path}: {type}"))
            .ToArray();

        Assert.True(misplaced.Length == 0, $"Move each to <Type>.cs:{Environment.NewLine}{string.Join(Environment.NewLine, misplaced)}");
    }

    [Theory]
    [InlineData("Errors", "internal sealed class ParseException(string m) : Exception(m);", "ParseException")]
    [InlineData("Errors", "public sealed class Outer { public sealed class InnerException : Exception { } }", "InnerException")]
    [InlineData("ParseException", "internal sealed class ParseException(string m) : Exception(m);", null)]
    [InlineData("Errors", "// class NotAnException in a comment\\nvar s = \"class FakeException\";", null)]
    public void ExceptionsDeclaredElsewhere_Source_FindsTypesNotNamedAfterTheirFile(string fileName, string source, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], ExceptionsDeclaredElsewhere(fileName, source.Replace("\\n", "\n")));

    private static string[] ExceptionsDeclaredElsewhere(string fileName, string text) =>
        ExceptionClass().Matches(CSharpText.CodeOnly(text)).Select(m => m.Groups["name"].Value).Where(name => name != fileName).ToArray();

    [GeneratedRegex(@"\b(?:class|record)\s+(?<name>\w+Exception)\b")]
    private static partial Regex ExceptionClass();
}
