using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>
/// deploy/k8s overlays rendered by <c>kubectl kustomize</c> (offline, no cluster), once per overlay
/// per test run, as the objects a cluster would be sent.
/// </summary>
internal static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<JsonObject>>>> Rendered = new();

    public static readonly string[] Overlays = ["dev", "production"];

    /// <summary>Fresh copies of the overlay's objects (callers may change them).</summary>
    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string overlay)
    {
        var objects = await Rendered.GetOrAdd(overlay, name => new Lazy<Task<IReadOnlyList<JsonObject>>>(() => RunAsync(name))).Value;
        return objects.Select(o => o.DeepClone().AsObject()).ToArray();
    }

    private static async Task<IReadOnlyList<JsonObject>> RunAsync(string overlay)
    {
        if (!File.Exists("/usr/bin/kubectl") && !File.Exists("/usr/local/bin/kubectl"))
        {
            throw new InvalidOperationException("kubectl is not installed: ./test.sh installs it (apt-get install kubectl).");
        }

        var result = await CommandLine.RunAsync("kubectl", ["kustomize", DeployFiles.Overlay(overlay)], TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, result.Describe());
        return YamlDocuments.Parse(result.StandardOutput);
    }
}
