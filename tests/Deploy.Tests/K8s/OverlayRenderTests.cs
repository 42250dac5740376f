using System.Text;
using System.Text.Json.Nodes;
using Maestro.Deploy.Tests.Tools;

namespace Maestro.Deploy.Tests.K8s;

/// <summary>
/// Every overlay under deploy/k8s, rendered by <c>kubectl kustomize</c> as it would be applied, holds
/// what running Maestro on Kubernetes takes. Nothing here needs a cluster.
/// </summary>
public sealed class OverlayRenderTests
{
    private static readonly string[] MaestroServices = ["gateway", "registry", "worker"];

    /// <summary>Variables whose values are credentials: only ever from a Secret.</summary>
    private static readonly string[] SecretVariables =
        ["Gateway__Auth__SigningKey", "Gateway__Auth__DevApiKey", "ConnectionStrings__redis", "ConnectionStrings__registry", "POSTGRES_PASSWORD"];

    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_HasEveryServiceWithItsServiceAndDisruptionBudget(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        foreach (var service in MaestroServices)
        {
            var deployment = objects.Single("Deployment", service);
            var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            var selector = objects.Single("Service", service)["spec"]!["selector"]!.AsObject();
            Assert.All(selector, pair => Assert.Equal(pair.Value!.ToString(), podLabels[pair.Key]?.ToString()));
            Assert.Contains(deployment.Containers().Single()["ports"]!.AsArray(), p => p!["containerPort"]!.GetValue<long>() == 8080);
        }

        Assert.True(objects.Single("Deployment", "gateway")["spec"]!["replicas"]!.GetValue<long>() >= 2, "the gateway needs at least two replicas");
        foreach (var service in new[] { "gateway", "worker" })
        {
            var budget = objects.OfKind("PodDisruptionBudget")
                .SingleOrDefault(p => p["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]?.ToString() == service);
            Assert.True(budget is not null, $"no PodDisruptionBudget selects the {service} pods");
        }

        var autoscaler = objects.Single("HorizontalPodAutoscaler", "worker")["spec"]!;
        Assert.Equal("Deployment", autoscaler["scaleTargetRef"]!["kind"]!.ToString());
        Assert.Equal("worker", autoscaler["scaleTargetRef"]!["name"]!.ToString());
        Assert.Contains(autoscaler["metrics"]!.AsArray(), m => m!["resource"]?["name"]?.ToString() == "cpu");
        Assert.True(autoscaler["minReplicas"]!.GetValue<long>() >= 2);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_ProbesReadinessOnHealthAndLivenessOnAlive(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        foreach (var service in MaestroServices)
        {
            var container = objects.Single("Deployment", service).Containers().Single();
            Assert.Equal("/health", container["readinessProbe"]!["httpGet"]!["path"]!.ToString());
            Assert.Equal("/alive", container["livenessProbe"]!["httpGet"]!["path"]!.ToString());
            foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            {
                var port = container[probe]!["httpGet"]!["port"]!.ToString();
                Assert.Contains(container["ports"]!.AsArray(), p => p!["name"]?.ToString() == port || p["containerPort"]!.ToString() == port);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_CredentialsComeOnlyFromSecrets(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        var secretValues = objects.OfKind("Secret")
            .SelectMany(s => (s["data"]?.AsObject() ?? []).Select(pair => Encoding.UTF8.GetString(Convert.FromBase64String(pair.Value!.ToString())))
                .Concat((s["stringData"]?.AsObject() ?? []).Select(pair => pair.Value!.ToString())))
            .ToArray();
        foreach (var configMap in objects.OfKind("ConfigMap"))
        {
            foreach (var (key, value) in configMap["data"]?.AsObject() ?? [])
            {
                Assert.DoesNotContain(key, SecretVariables);
                Assert.False(secretValues.Any(secret => value!.ToString().Contains(secret, StringComparison.Ordinal)),
                    $"ConfigMap {configMap.Name()} holds a Secret's value under {key}");
            }
        }

        foreach (var (workload, container) in objects.WorkloadContainers())
        {
            foreach (var (name, source) in container.Environment(objects).Where(pair => SecretVariables.Contains(pair.Key)))
            {
                Assert.True(source.FromSecret, $"{workload.Name()}/{container["name"]}: {name} is not taken from a Secret");
            }
        }

        // The gateway's signing key is required wherever it runs: outside Development it does not start without one.
        var signingKey = objects.Single("Deployment", "gateway").Containers().Single().Environment(objects)["Gateway__Auth__SigningKey"];
        Assert.False(signingKey.Optional);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_ImagesArePinnedAndMaestroImagesCarryTheTreesTag(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        foreach (var (workload, container) in objects.WorkloadContainers())
        {
            var image = container["image"]!.ToString();
            var tag = image.Contains('@', StringComparison.Ordinal) ? null : image[(image.LastIndexOf('/') + 1)..].Split(':').ElementAtOrDefault(1);
            Assert.True(image.Contains('@', StringComparison.Ordinal) || tag is { Length: > 0 }, $"{workload.Name()}: {image} has no tag");
            Assert.NotEqual("latest", tag);
            if (MaestroServices.Contains(workload.Name()))
            {
                Assert.EndsWith($"maestro/{workload.Name()}:{DeployFiles.ImageTag}", image);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_EveryContainerHasRequestsAndLimits(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        foreach (var (workload, container) in objects.WorkloadContainers())
        {
            foreach (var bound in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container["resources"]?[bound]?[resource] is not null, $"{workload.Name()}/{container["name"]} has no {bound}.{resource}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_MaestroPodsRunAsNonRootOnReadOnlyRootWithWritableDirectoriesMounted(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        foreach (var service in MaestroServices)
        {
            var deployment = objects.Single("Deployment", service);
            var pod = deployment.PodSpec();
            Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.NotEqual(0, pod["securityContext"]!["runAsUser"]!.GetValue<long>());
            var container = deployment.Containers().Single();
            Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
            Assert.False(container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());

            var volumes = pod["volumes"]!.AsArray().Select(v => v!["name"]!.ToString()).ToHashSet();
            var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => m!["mountPath"]!.ToString(), m => m!["name"]!.ToString());
            foreach (var writable in new[] { "/tmp", "/data" })
            {
                Assert.True(mounts.TryGetValue(writable, out var volume) && volumes.Contains(volume), $"{service}: nothing writable is mounted at {writable}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_DiscoveryTelemetryAndScrapeSettingsReachEveryService(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        var needs = new Dictionary<string, string[]>
        {
            ["gateway"] = ["registry", "worker"],
            ["worker"] = ["registry"],
            ["registry"] = [],
        };
        foreach (var (service, peers) in needs)
        {
            var deployment = objects.Single("Deployment", service);
            var environment = deployment.Containers().Single().Environment(objects);
            Assert.False(string.IsNullOrWhiteSpace(environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT")?.Value), $"{service} has no OTEL_EXPORTER_OTLP_ENDPOINT");
            Assert.Equal(service, environment["OTEL_SERVICE_NAME"].Value);
            foreach (var peer in peers)
            {
                // Aspire's convention, which ServiceDiscovery reads for http://registry and http://worker.
                var address = new Uri(environment[$"services__{peer}__http__0"].Value!);
                var target = objects.Single("Service", address.Host);
                Assert.Contains(target["spec"]!["ports"]!.AsArray(), p => p!["port"]!.GetValue<long>() == address.Port);
                Assert.Equal(peer, target["spec"]!["selector"]!["app.kubernetes.io/name"]!.ToString());
            }

            var annotations = deployment["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
            Assert.Equal("/metrics", annotations["prometheus.io/path"]!.ToString());
            Assert.Equal("8080", annotations["prometheus.io/port"]!.ToString());
            // The gateway's /metrics needs a key, which annotation-driven scraping does not send (its own job does).
            Assert.Equal(service == "gateway" ? "false" : "true", annotations["prometheus.io/scrape"]!.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_Overlay_SeveralRegistryReplicasOnlyWithPostgresAndSharedArtifacts(string overlay)
    {
        var objects = await Kustomize.RenderAsync(overlay);
        var registry = objects.Single("Deployment", "registry");
        var replicas = registry["spec"]!["replicas"]!.GetValue<long>();
        var claim = registry.PodSpec()["volumes"]!.AsArray()
            .Single(v => v!["name"]!.ToString() == "data")!["persistentVolumeClaim"]!["claimName"]!.ToString();
        var accessModes = objects.Single("PersistentVolumeClaim", claim)["spec"]!["accessModes"]!.AsArray().Select(m => m!.ToString()).ToArray();
        var store = registry.Containers().Single().Environment(objects).GetValueOrDefault("ConnectionStrings__registry");
        if (replicas > 1)
        {
            Assert.True(store is { FromSecret: true, Optional: false }, "several registry replicas need ConnectionStrings__registry (PostgreSQL) from a required Secret key");
            Assert.Contains("ReadWriteMany", accessModes);
            Assert.NotEqual("Recreate", registry["spec"]!["strategy"]?["type"]?.ToString());
        }
        else
        {
            Assert.Equal("Recreate", registry["spec"]!["strategy"]!["type"]!.ToString());
        }
    }

    [Fact]
    public async Task Render_Dev_RunsRedisAndPostgresAndGeneratesItsSecrets()
    {
        var objects = await Kustomize.RenderAsync("dev");
        foreach (var store in new[] { "redis", "postgres" })
        {
            Assert.NotNull(objects.Single("StatefulSet", store));
            Assert.NotNull(objects.Single("Service", store));
        }

        var used = objects.OfKind("Deployment").Concat(objects.OfKind("StatefulSet")).SelectMany(w => w.SecretNamesUsed()).ToHashSet();
        Assert.All(used, name => Assert.NotNull(objects.Find("Secret", name)));
        var connections = objects.Single("Secret", used.Single(name => name.StartsWith("maestro-connection-strings", StringComparison.Ordinal)));
        var registryStore = Encoding.UTF8.GetString(Convert.FromBase64String(connections["data"]!["registry"]!.ToString()));
        Assert.StartsWith("Host=postgres;", registryStore);
    }

    [Fact]
    public async Task Render_Production_UsesExternalStoresAndOperatorSecrets()
    {
        var objects = await Kustomize.RenderAsync("production");
        Assert.Empty(objects.OfKind("StatefulSet"));
        Assert.Empty(objects.OfKind("Secret"));
        var used = objects.OfKind("Deployment").SelectMany(w => w.SecretNamesUsed()).ToHashSet();
        Assert.Equal(["maestro-connection-strings", "maestro-gateway-auth"], used.Order());
        Assert.All(objects.OfKind("Deployment").SelectMany(d => d.Containers()),
            container => Assert.StartsWith("registry.example.com/maestro/", container["image"]!.ToString()));
    }
}
