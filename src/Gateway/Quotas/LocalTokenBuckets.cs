using System.Collections.Concurrent;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// This gateway instance's own buckets, one per partition: used when Redis is not configured or not
/// reachable. With N replicas a caller may then get up to N times its plan, never less.
/// </summary>
internal sealed class LocalTokenBuckets
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public QuotaDecision Take(string partition, QuotaLimit limit, long cost, long nowMs) =>
        _buckets.GetOrAdd(partition, static _ => new TokenBucket()).Take(limit, cost, nowMs);
}
