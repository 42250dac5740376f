using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Maestro.Gateway.Health;

/// <summary>
/// Reports how many destinations of a cluster are healthy right now: neither the active probe nor a
/// failed request has marked them unhealthy. (YARP's own available list falls back to every
/// destination when none is healthy, so it cannot tell.) None healthy is <em>Degraded</em>, not
/// Unhealthy: the gateway itself still works and answers with a reason, so an orchestrator must not
/// take it out of service.
/// </summary>
internal sealed class ClusterHealthCheck(IProxyStateLookup proxyState, string clusterId) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!proxyState.TryGetCluster(clusterId, out var cluster))
        {
            return Task.FromResult(HealthCheckResult.Degraded($"The {clusterId} cluster is not configured."));
        }

        var all = cluster.DestinationsState.AllDestinations;
        var total = all.Count;
        var available = all.Count(d => d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy);
        var data = new Dictionary<string, object> { ["available"] = available, ["total"] = total };
        return Task.FromResult(available > 0
            ? HealthCheckResult.Healthy($"{available} of {total} {clusterId} instances available.", data)
            : HealthCheckResult.Degraded($"No {clusterId} instance is available ({total} known).", data: data));
    }
}
