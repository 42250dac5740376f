using System.Diagnostics.Metrics;

namespace Maestro.Gateway.Telemetry;

/// <summary>The gateway's own metrics (exported by ServiceDefaults under the <c>Maestro.</c> prefix).</summary>
internal sealed class GatewayTelemetry : IDisposable
{
    public const string Name = "Maestro.Gateway";

    private readonly Meter _meter;

    public GatewayTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        AuthenticationFailures = _meter.CreateCounter<long>("maestro.gateway.auth.failures",
            description: "Requests refused for their credentials, by reason (missing, invalid, expired, revoked, forbidden).");
        UpstreamRetries = _meter.CreateCounter<long>("maestro.gateway.upstream.retries",
            description: "Proxied requests retried on another destination after the first failed before answering, by cluster.");
        QuotaDecisions = _meter.CreateCounter<long>("maestro.gateway.quota.decisions",
            description: "Quota decisions by plan, result (allowed, limited) and store (shared: Redis, every replica; local: this instance).");
        QuotaRedisFallbacks = _meter.CreateCounter<long>("maestro.gateway.quota.redis.fallbacks",
            description: "Quota decisions that could not use Redis and fell back to this instance's buckets, by reason (disconnected, timeout, error).");
        UpstreamDuration = _meter.CreateHistogram<double>("maestro.gateway.upstream.duration", unit: "s",
            description: "Time from forwarding a request to a service until its response is relayed, by cluster and outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = UpstreamBuckets });
        AuthFailureLimits = _meter.CreateCounter<long>("maestro.gateway.auth.failure_limited",
            description: "Requests refused (429) because their client address had too many failed authentications, by store (shared: Redis; local: this instance).");
    }

    /// <summary>Seconds: sub-millisecond hops up to slow uploads.</summary>
    private static readonly double[] UpstreamBuckets =
        [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public Counter<long> AuthenticationFailures { get; }

    public Counter<long> UpstreamRetries { get; }

    public Counter<long> QuotaDecisions { get; }

    public Counter<long> QuotaRedisFallbacks { get; }

    public Histogram<double> UpstreamDuration { get; }

    public Counter<long> AuthFailureLimits { get; }

    public void QuotaDecided(string plan, bool allowed, bool shared) =>
        QuotaDecisions.Add(1,
            new KeyValuePair<string, object?>("plan", plan),
            new KeyValuePair<string, object?>("result", allowed ? "allowed" : "limited"),
            new KeyValuePair<string, object?>("store", shared ? "shared" : "local"));

    public void QuotaRedisFallback(string reason) =>
        QuotaRedisFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void AuthenticationFailed(string reason) =>
        AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void AuthFailureLimited(bool shared) =>
        AuthFailureLimits.Add(1, new KeyValuePair<string, object?>("store", shared ? "shared" : "local"));

    public void Dispose() => _meter.Dispose();
}
