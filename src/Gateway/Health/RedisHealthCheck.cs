using System.Diagnostics;
using Maestro.Gateway.Quotas;
using Maestro.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.Gateway.Health;

/// <summary>
/// Redis, which holds the quota counts every gateway replica shares: Healthy with its round-trip time
/// when it answers a PING, <em>Degraded</em> (not Unhealthy) when it does not, since quotas then fall
/// back to per-instance counts and the gateway keeps serving. Without Redis configured the gateway is
/// meant to count alone: Healthy, and the description says so.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConfigured)
        {
            return HealthCheckResult.Healthy("Not configured: each gateway instance counts quotas on its own.",
                new Dictionary<string, object> { ["configured"] = false });
        }

        const string fallback = "Quotas are counted per gateway instance until it is back.";
        if (redis.Database is not { } database)
        {
            return HealthCheckResult.Degraded($"Redis is not connected. {fallback}");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await database.PingAsync().WaitAsync(Timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"Redis did not answer a PING ({exception.GetType().Name}). {fallback}");
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return HealthCheckResult.Healthy($"Redis answered in {latency:F1} ms.",
            new Dictionary<string, object> { ["latency_ms"] = Math.Round(latency, 2) });
    }
}
