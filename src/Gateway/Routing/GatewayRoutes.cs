using System.Net;
using Maestro.Gateway.Auth;
using Yarp.ReverseProxy.Configuration;

namespace Maestro.Gateway.Routing;

/// <summary>
/// The public paths and the cluster behind each. Destinations are discovery names
/// (<c>http://worker</c>); Microsoft.Extensions.ServiceDiscovery.Yarp's destination resolver turns each
/// into one destination per replica that service discovery knows.
/// Routes to the workers are ordered before the registry's catch-all, so
/// <c>/api/v1/models/{name}/predict</c> reaches a worker and every other <c>/api/v1/models/**</c>
/// path the registry.
/// </summary>
internal static class GatewayRoutes
{
    public const string RegistryCluster = "registry";
    public const string WorkerCluster = "worker";

    /// <summary>Route metadata naming the body limit that applies (see <see cref="GatewayLimitsOptions"/>).</summary>
    public const string BodyKindKey = "Maestro.BodyKind";
    public const string InferenceBody = "inference";
    public const string UploadBody = "upload";

    private static readonly Dictionary<string, string> Inference = new() { [BodyKindKey] = InferenceBody };

    /// <summary>The routes, each with its authorization policy from <see cref="RoutePolicies"/>.</summary>
    public static IReadOnlyList<RouteConfig> Routes { get; } = RoutePolicies.Apply(
    [
        new()
        {
            RouteId = "worker-seed",
            ClusterId = WorkerCluster,
            Order = 0,
            Metadata = Inference,
            Match = new() { Path = "/api/v1/models/{name}/{action:regex(^(predict|batch_predict|health)$)}" },
        },
        new()
        {
            RouteId = "worker-v2-health",
            ClusterId = WorkerCluster,
            Order = 0,
            Match = new() { Path = "/v2/health/{**probe}" },
        },
        new()
        {
            RouteId = "worker-v2",
            ClusterId = WorkerCluster,
            Order = 1,
            Metadata = Inference,
            Match = new() { Path = "/v2/{**rest}" },
        },
        new()
        {
            RouteId = "registry-upload",
            ClusterId = RegistryCluster,
            Order = 5,
            Metadata = new Dictionary<string, string> { [BodyKindKey] = UploadBody },
            Match = new() { Path = "/api/v1/models/{name}/versions", Methods = ["POST"] },
        },
        new()
        {
            RouteId = "registry-models",
            ClusterId = RegistryCluster,
            Order = 10,
            Match = new() { Path = "/api/v1/models/{**rest}" },
        },
        new()
        {
            RouteId = "registry-model-cards",
            ClusterId = RegistryCluster,
            Order = 10,
            Match = new() { Path = "/api/v1/model-cards/{**rest}" },
        },
        new()
        {
            RouteId = "registry-mlflow",
            ClusterId = RegistryCluster,
            Order = 10,
            Match = new() { Path = "/api/2.0/mlflow/{**rest}" },
        },
    ]);

    /// <summary>The workers' HTTP/2 endpoint, by discovery's endpoint-name syntax (<c>services__worker__h2c__N</c>).</summary>
    public const string WorkerHttp2Address = "http://_h2c.worker";

    /// <summary>
    /// The clusters, each destination probed on <c>/alive</c> as <paramref name="routing"/> says (never
    /// when its probe interval is <c>null</c>: then only failed requests take a destination out of
    /// rotation), the workers over HTTP/2 when <see cref="GatewayRoutingOptions.WorkerHttp2"/> is on.
    /// </summary>
    public static IReadOnlyList<ClusterConfig> Clusters(GatewayRoutingOptions routing) =>
    [
        Cluster(RegistryCluster, "http://registry", routing.ProbeInterval, http2: false),
        Cluster(WorkerCluster, routing.WorkerHttp2 ? WorkerHttp2Address : "http://worker", routing.ProbeInterval, routing.WorkerHttp2),
    ];

    private static ClusterConfig Cluster(string id, string address, TimeSpan? healthCheckInterval, bool http2) => new()
    {
        ClusterId = id,
        LoadBalancingPolicy = "PowerOfTwoChoices",
        // Time without a byte either way before the gateway gives up on a call (uploads may stream a while).
        // Over HTTP/2 the version is exact: a cleartext endpoint cannot negotiate it.
        HttpRequest = new()
        {
            ActivityTimeout = id == WorkerCluster ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(5),
            Version = http2 ? HttpVersion.Version20 : null,
            VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionExact : null,
        },
        Destinations = new Dictionary<string, DestinationConfig> { [id] = new() { Address = address } },
        HealthCheck = new()
        {
            // Health never empties a cluster: when no destination is healthy (the only one, a Kubernetes Service address, included), all are tried.
            AvailableDestinationsPolicy = "HealthyOrPanic",
            Passive = new() { Enabled = true },
            Active = new() { Enabled = healthCheckInterval is not null, Interval = healthCheckInterval, Timeout = TimeSpan.FromSeconds(2), Path = "/alive" },
        },
    };
}
