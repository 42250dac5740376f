using System.Collections.Concurrent;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// This gateway instance's own buckets, one per partition: used when Redis is not configured or not
/// reachable. With N replicas a caller may then get up to N times its plan, never less. Memory stays
/// bounded by the callers of the last few minutes: at most every <see cref="SweepIntervalMs"/>, a take
/// forgets every bucket that would be full by now (a new bucket starts full, so no decision changes).
/// </summary>
internal sealed class LocalTokenBuckets
{
    /// <summary>How often idle buckets are looked for, at most (on the quota clock).</summary>
    public const long SweepIntervalMs = 10_000;

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly SweepSchedule _sweeps = new(SweepIntervalMs);

    /// <summary>Buckets held now.</summary>
    public int Count => _buckets.Count;

    public QuotaDecision Take(string partition, QuotaLimit limit, long cost, long nowMs)
    {
        Sweep(nowMs);
        while (true)
        {
            if (_buckets.GetOrAdd(partition, static _ => new TokenBucket()).TryTake(limit, cost, nowMs) is { } decision)
            {
                return decision;
            }

            // Retired by a sweep between the look-up and the take: its replacement starts full, as it would be.
        }
    }

    private void Sweep(long nowMs)
    {
        if (!_sweeps.TryStart(nowMs))
        {
            return;
        }

        foreach (var (partition, bucket) in _buckets)
        {
            if (bucket.TryRetire(nowMs))
            {
                _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(partition, bucket));
            }
        }
    }
}
