using Maestro.Testing;

namespace Maestro.Architecture.Tests;

/// <summary>The projects under <c>src/</c>, each a folder with its <c>.csproj</c>.</summary>
internal static class SrcProjects
{
    public static string Root { get; } = Path.Combine(TestPaths.RepositoryRoot, "src");

    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.EnumerateDirectories(Root)
            .Where(directory => Directory.EnumerateFiles(directory, "*.csproj").Any())
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];

    public static IReadOnlyList<SourceFile> Sources(string project) => SourceFile.Under(Path.Combine(Root, project));
}
