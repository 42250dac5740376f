using System.Text.Json.Nodes;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>Finding things in rendered Kubernetes objects.</summary>
internal static class KubeObjects
{
    public static string Kind(this JsonObject o) => o["kind"]!.GetValue<string>();

    public static string Name(this JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) => objects.Where(o => o.Kind() == kind);

    public static JsonObject? Find(this IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.OfKind(kind).SingleOrDefault(o => o.Name() == name);

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"No {kind} named {name} in the rendered overlay.");

    /// <summary>The pod template's spec of a Deployment or StatefulSet.</summary>
    public static JsonObject PodSpec(this JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    public static IEnumerable<JsonObject> Containers(this JsonObject workload) =>
        workload.PodSpec()["containers"]!.AsArray().Select(c => c!.AsObject());

    /// <summary>Every container of every Deployment and StatefulSet, with its workload.</summary>
    public static IEnumerable<(JsonObject Workload, JsonObject Container)> WorkloadContainers(this IEnumerable<JsonObject> objects) =>
        objects.Where(o => o.Kind() is "Deployment" or "StatefulSet").SelectMany(w => w.Containers().Select(c => (w, c)));

    /// <summary>Every secret a pod takes (from environment variables or volumes), by its Secret's name.</summary>
    public static IEnumerable<string> SecretNamesUsed(this JsonObject workload) =>
        workload.Containers().SelectMany(c => c["env"]?.AsArray() ?? [])
            .Select(e => e!["valueFrom"]?["secretKeyRef"]?["name"]?.GetValue<string>())
            .OfType<string>();

    /// <summary>The environment a container gets: its own variables, and those of the ConfigMaps it takes whole.</summary>
    public static IReadOnlyDictionary<string, EnvironmentSource> Environment(this JsonObject container, IEnumerable<JsonObject> objects)
    {
        var environment = new Dictionary<string, EnvironmentSource>();
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var configMap = source!["configMapRef"]?["name"]?.GetValue<string>();
            if (configMap is not null)
            {
                foreach (var (key, value) in objects.Single("ConfigMap", configMap)["data"]!.AsObject())
                {
                    environment[key] = new EnvironmentSource(value?.ToString(), ConfigMap: configMap);
                }
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var secret = variable!["valueFrom"]?["secretKeyRef"];
            environment[variable["name"]!.GetValue<string>()] = new EnvironmentSource(
                variable["value"]?.ToString(),
                SecretName: secret?["name"]?.GetValue<string>(),
                SecretKey: secret?["key"]?.GetValue<string>(),
                Optional: secret?["optional"]?.GetValue<bool>() ?? false);
        }

        return environment;
    }
}
