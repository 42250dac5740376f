using System.Reflection;
using Maestro.Testing;

namespace Maestro.Cli.Tests;

/// <summary>Built assemblies of src projects, from the configuration these tests were built in.</summary>
internal static class BuildOutput
{
    public static string Assembly(string project)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "src", project, "bin", Metadata("Maestro.Configuration"), Metadata("Maestro.TargetFramework"), $"Maestro.{project}.dll");
        Assert.True(File.Exists(path), $"{project} is not built: {path}");
        return path;
    }

    private static string Metadata(string key) =>
        typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
