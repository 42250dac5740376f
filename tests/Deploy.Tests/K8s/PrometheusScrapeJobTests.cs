using System.Text.RegularExpressions;
using Maestro.Deploy.Tests.Tools;

namespace Maestro.Deploy.Tests.K8s;

/// <summary>
/// deploy/k8s/prometheus/scrape-configs.yaml, the gateway's scrape job, against the manifests it scrapes:
/// it finds the gateway pods of every overlay on their port and sends a bearer key, since those pods
/// opt out of annotation-driven scraping. (Debian's promtool is built without Kubernetes discovery, so
/// the job's fields are read here instead.)
/// </summary>
public sealed class PrometheusScrapeJobTests
{
    private static readonly string ScrapeConfigs = Path.Combine(DeployFiles.Deploy, "k8s", "prometheus", "scrape-configs.yaml");

    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task ScrapeJob_GatewayPodsOfOverlay_KeptOnTheirPortWithABearerKey(string overlay)
    {
        var job = YamlDocuments.Parse(await File.ReadAllTextAsync(ScrapeConfigs)).Single()["scrape_configs"]!.AsArray()
            .Single(j => j!["job_name"]!.ToString() == "maestro-gateway")!;
        var gateway = (await Kustomize.RenderAsync(overlay)).Single("Deployment", "gateway");
        var template = gateway["spec"]!["template"]!["metadata"]!;

        Assert.Equal("Bearer", job["authorization"]!["type"]!.ToString());
        Assert.StartsWith("/etc/prometheus/secrets/", job["authorization"]!["credentials_file"]!.ToString());
        Assert.Equal("pod", job["kubernetes_sd_configs"]![0]!["role"]!.ToString());
        var keeps = job["relabel_configs"]!.AsArray().Where(rule => rule!["action"]?.ToString() == "keep").ToArray();
        var name = keeps.Single(rule => rule!["source_labels"]![0]!.ToString() == "__meta_kubernetes_pod_label_app_kubernetes_io_name")!;
        Assert.Matches($"^(?:{name["regex"]})$", template["labels"]!["app.kubernetes.io/name"]!.ToString());
        var port = keeps.Single(rule => rule!["source_labels"]![0]!.ToString() == "__meta_kubernetes_pod_container_port_number")!;
        Assert.Contains(gateway.Containers().Single()["ports"]!.AsArray(),
            p => Regex.IsMatch(p!["containerPort"]!.ToString(), $"^(?:{port["regex"]})$"));
        // Annotation-driven jobs would scrape without the key and see 401: the pods opt out of them.
        Assert.Equal("false", template["annotations"]!["prometheus.io/scrape"]!.ToString());
    }
}
