using System.Reflection;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// A Maestro service the AppHost starts from its built assembly. Paths come from the AppHost's own
/// build (repository root and configuration are stamped into its assembly), so the services run
/// from the same configuration the AppHost was built in.
/// </summary>
public sealed record ServiceProject(string ProjectName)
{
    public static readonly ServiceProject RegistryService = new("RegistryService");
    public static readonly ServiceProject InferenceWorker = new("InferenceWorker");
    public static readonly ServiceProject Gateway = new("Gateway");

    public string AssemblyPath => Path.Combine(
        RepositoryRoot, "src", ProjectName, "bin", BuildMetadata("Maestro.Configuration"), BuildMetadata("Maestro.TargetFramework"),
        $"Maestro.{ProjectName}.dll");

    /// <summary>The repository the AppHost was built from (samples, default paths).</summary>
    public static string RepositoryRoot => BuildMetadata("Maestro.RepoRoot");

    private static string BuildMetadata(string key) =>
        typeof(ServiceProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The AppHost assembly lacks build metadata '{key}'.");
}
