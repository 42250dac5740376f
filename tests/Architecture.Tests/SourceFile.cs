namespace Maestro.Architecture.Tests;

/// <summary>One C# file of a project: where it is (for messages) and its text.</summary>
internal sealed record SourceFile(string Path, string Text)
{
    /// <summary>Every <c>.cs</c> file under <paramref name="directory"/>, build output left out, paths relative to it.</summary>
    public static IReadOnlyList<SourceFile> Under(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(System.IO.Path.GetRelativePath(directory, path)))
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(System.IO.Path.GetRelativePath(directory, path), File.ReadAllText(path)))];

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(System.IO.Path.DirectorySeparatorChar) is var parts && (parts.Contains("obj") || parts.Contains("bin"));
}
