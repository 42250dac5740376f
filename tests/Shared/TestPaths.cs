namespace Maestro.Testing;

/// <summary>Where the repository and its sample models are, found from the test assembly's location.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SampleModel(string fileName) => Path.Combine(RepositoryRoot, "samples", "models", fileName);

    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"maestro-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maestro.Aspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Maestro.Aspire.sln not found above " + AppContext.BaseDirectory);
    }
}
