using System.Text;
using System.Text.Json.Nodes;
using Maestro.Deploy.Tests.Containers;
using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.K8s;

/// <summary>
/// The nearest this machine comes to a cluster: the dev overlay's rendered Deployments, ConfigMap and
/// Secrets run as pods by <c>podman kube play</c>, with the images deploy/build-images.sh built. What
/// kube play lacks is bridged and nothing else is changed: it has no Services, so the discovery
/// variables name the pods' own DNS names; one replica each; ports published on free loopback ports
/// (it would otherwise publish every containerPort on the host); the Secrets become podman secrets
/// (podman 4.3 cannot read the ones it makes from YAML); Redis (a StatefulSet, which it does not
/// play) is a container answering to the dev overlay's <c>redis</c>; PostgreSQL (a StatefulSet on a
/// public image) is left out, so the registry runs on SQLite. Names are prefixed per run.
/// </summary>
[Collection(ContainersCollection.Name)]
public sealed class KubePlayTests(ContainerPlatform platform)
{
    private static readonly string[] Deployments = ["registry", "worker", "gateway"];

    [Fact]
    public async Task KubePlay_DevOverlay_PodsServeAPredictThroughTheGatewayAsConfigured()
    {
        var podman = platform.Podman;
        var prefix = "kp-" + platform.ShortId;
        var network = prefix;
        var objects = await Kustomize.RenderAsync("dev");
        var secrets = objects.OfKind("Secret").Where(s => s.Name().StartsWith("maestro-", StringComparison.Ordinal)).ToArray();
        var configMap = objects.Single("ConfigMap", "maestro-config");
        var deployments = Deployments.Select(name => objects.Single("Deployment", name)).ToArray();
        var gatewayPort = FreePorts.Next();
        var adminKey = Encoding.UTF8.GetString(Convert.FromBase64String(
            secrets.Single(s => s.Name().StartsWith("maestro-gateway-auth", StringComparison.Ordinal))["data"]!["admin-api-key"]!.ToString()));

        foreach (var secret in secrets)
        {
            Rename(deployments, "secretKeyRef", secret.Name(), $"{prefix}-{secret.Name()}");

            // PostgreSQL is a StatefulSet too, and its public image cannot be pulled here: without the
            // key (the registry's secretKeyRef is optional) the one dev registry keeps SQLite under /data.
            if (secret.Name().StartsWith("maestro-connection-strings", StringComparison.Ordinal))
            {
                secret["data"]!.AsObject().Remove("registry");
            }
        }

        Rename(deployments, "configMapRef", "maestro-config", $"{prefix}-config");
        configMap["metadata"]!["name"] = $"{prefix}-config";
        foreach (var (key, value) in configMap["data"]!.AsObject().ToArray())
        {
            if (key.StartsWith("services__", StringComparison.Ordinal))
            {
                var address = new UriBuilder(value!.ToString()) { Host = $"{prefix}-{new Uri(value.ToString()).Host}-pod-0" };
                configMap["data"]![key] = address.Uri.GetLeftPart(UriPartial.Authority);
            }
        }

        foreach (var deployment in deployments)
        {
            var service = deployment.Name();
            deployment["metadata"]!["name"] = $"{prefix}-{service}";
            deployment["spec"]!["replicas"] = 1;
            foreach (var port in deployment.Containers().SelectMany(c => c["ports"]!.AsArray()))
            {
                port!["hostIP"] = "127.0.0.1";
                port["hostPort"] = service == "gateway" ? gatewayPort : FreePorts.Next();
            }

            foreach (var volume in deployment.PodSpec()["volumes"]!.AsArray())
            {
                if (volume!["persistentVolumeClaim"] is JsonObject claim)
                {
                    claim["claimName"] = $"{prefix}-{claim["claimName"]}";
                }
            }
        }

        var manifest = Path.Combine(TestPaths.NewTempDirectory("kube-play"), "dev.yaml");
        await File.WriteAllTextAsync(manifest, string.Join("\n---\n", new[] { configMap }.Concat(deployments).Select(o => o.ToJsonString())));
        var redis = prefix + "-redis";
        try
        {
            await podman.MustAsync("network", "create", network);
            await podman.MustAsync("run", "-d", "--name", redis, "--network", network, "--network-alias", "redis", "--read-only", "localhost/maestro/redis:bookworm");
            foreach (var secret in secrets)
            {
                await podman.MustWithInputAsync(secret["data"]!.ToJsonString(), "secret", "create", $"{prefix}-{secret.Name()}", "-");
            }

            await podman.MustAsync("kube", "play", "--network", network, manifest);
            await GatewayClient.WaitUntilReadyAsync(gatewayPort, TimeSpan.FromSeconds(90), () => LogsAsync(prefix));

            using var gateway = new GatewayClient(gatewayPort, adminKey);
            await gateway.RegisterAsync("kube-fraud", "fraud-detector.onnx");
            var prediction = await GatewayClient.PredictAsync(gateway.Http, "kube-fraud", 0.5f, 1.2f, 3.4f);
            Assert.Equal(1, prediction["prediction"]!.GetValue<int>());

            // The pod security settings of the manifests are in force.
            foreach (var service in Deployments)
            {
                var container = $"{prefix}-{service}-pod-0-{service}";
                Assert.Equal("1654", await podman.MustAsync("exec", container, "id", "-u"));
                var written = await podman.RunAsync("exec", container, "touch", "/app/written-by-test");
                Assert.Contains("Read-only file system", written.StandardError);
                Assert.True((await podman.RunAsync("exec", container, "touch", "/data/written-by-test")).Succeeded, $"{service}: /data is not writable");
            }
        }
        finally
        {
            await podman.RemoveQuietlyAsync("kube", "down", manifest);
            foreach (var secret in secrets)
            {
                await podman.RemoveQuietlyAsync("secret", "rm", $"{prefix}-{secret.Name()}");
            }

            await podman.RemoveQuietlyAsync("volume", "rm", "-f", $"{prefix}-registry-data");
            await podman.RemoveQuietlyAsync("rm", "-f", "-v", "-t", "5", redis);
            await podman.RemoveQuietlyAsync("network", "rm", "-f", network);
            Directory.Delete(Path.GetDirectoryName(manifest)!, recursive: true);
        }
    }

    /// <summary>Points every <paramref name="reference"/> (secretKeyRef, configMapRef) naming <paramref name="from"/> at <paramref name="to"/>.</summary>
    private static void Rename(IEnumerable<JsonObject> deployments, string reference, string from, string to)
    {
        foreach (var node in deployments.SelectMany(Descendants).OfType<JsonObject>())
        {
            if (node[reference] is JsonObject target && target["name"]?.ToString() == from)
            {
                target["name"] = to;
            }
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject o => o.Select(pair => pair.Value).OfType<JsonNode>().SelectMany(child => Descendants(child).Prepend(child)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(child => Descendants(child).Prepend(child)),
        _ => [],
    };

    private async Task<string> LogsAsync(string prefix)
    {
        var logs = new StringBuilder();
        foreach (var service in Deployments)
        {
            var result = await platform.Podman.RunAsync("logs", "--tail", "40", $"{prefix}-{service}-pod-0-{service}");
            logs.AppendLine($"--- {service} ---").Append(result.StandardOutput).Append(result.StandardError);
        }

        return logs.ToString();
    }
}
