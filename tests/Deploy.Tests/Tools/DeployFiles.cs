using System.Reflection;
using System.Xml.Linq;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>Where deploy/ keeps things, and the facts several tests compare against.</summary>
internal static class DeployFiles
{
    /// <summary>The services with an image: name → its project under src/.</summary>
    public static readonly IReadOnlyDictionary<string, string> Services = new Dictionary<string, string>
    {
        ["gateway"] = "Gateway",
        ["registry"] = "RegistryService",
        ["worker"] = "InferenceWorker",
    };

    public static string Deploy { get; } = Path.Combine(TestPaths.RepositoryRoot, "deploy");

    public static string ContainersProps { get; } = Path.Combine(Deploy, "containers", "Maestro.Containers.props");

    /// <summary>The one image tag of this tree (MaestroImageTag).</summary>
    public static string ImageTag { get; } =
        XDocument.Load(ContainersProps).Descendants("MaestroImageTag").Single().Value.Trim();

    public static string Containerfile(string service) => Path.Combine(Deploy, "containers", $"{service}.Containerfile");

    public static string Overlay(string name) => Path.Combine(Deploy, "k8s", "overlays", name);

    /// <summary>The image deploy/build-images.sh tags for a service, as podman stores it.</summary>
    public static string Image(string service) => $"localhost/maestro/{service}:{ImageTag}";

    /// <summary>A project's build output, as ./test.sh built it (the test project references the services).</summary>
    public static string BuildOutput(string project) => Path.Combine(TestPaths.RepositoryRoot, "src", project, "bin",
        BuildMetadata("Maestro.Configuration"), BuildMetadata("Maestro.TargetFramework"));

    private static string BuildMetadata(string key) =>
        typeof(DeployFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
