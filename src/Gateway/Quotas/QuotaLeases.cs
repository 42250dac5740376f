using System.Collections.Concurrent;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Tokens this replica took from the shared count ahead of need, per partition: a busy caller's
/// requests are decided from its lease in memory, and Redis is asked once per
/// <see cref="AheadTokens"/> requests instead of once per request. Every token in a lease was taken
/// from Redis first, so the replicas together never admit more than the bucket allows; Redis grants
/// at most 1/64 of what is left ahead (none near the end of a bucket), and a lease lives
/// <see cref="LeaseMs"/> — then its leftover goes back to the shared count with the next call (or the
/// next sweep, for a caller that went quiet), so no replica sits on tokens another one needs.
/// </summary>
internal sealed class QuotaLeases
{
    /// <summary>Tokens wanted ahead per call to Redis.</summary>
    public const long AheadTokens = 64;

    /// <summary>How long a lease's tokens are used before the leftover goes back (quota-clock ms).</summary>
    public const long LeaseMs = 500;

    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    public int Count => _leases.Count;

    /// <summary>Takes <paramref name="cost"/> tokens from the partition's lease when it has them.</summary>
    public bool TryTake(string partition, long cost, long nowMs, out long remaining)
    {
        remaining = 0;
        return _leases.TryGetValue(partition, out var lease) && lease.TryTake(cost, nowMs, out remaining);
    }

    /// <summary>The leftover of an expired lease, handed back with the next call to Redis (0 when none).</summary>
    public long TakeLeftover(string partition, long nowMs) =>
        _leases.TryGetValue(partition, out var lease) ? lease.TakeLeftover(nowMs) : 0;

    /// <summary>Adds what Redis granted ahead (<paramref name="tokens"/>), valid for <see cref="LeaseMs"/>.</summary>
    public void Add(string partition, QuotaLimit limit, long tokens, long sharedRemaining, long nowMs)
    {
        // A lease retired by a sweep between the look-up and the add is replaced, so no token is lost with it.
        while (tokens > 0 && !_leases.GetOrAdd(partition, static _ => new Lease()).TryAdd(limit, tokens, sharedRemaining, nowMs + LeaseMs))
        {
        }
    }

    /// <summary>Removes every expired lease and returns what each had left, to hand back to Redis.</summary>
    public List<(string Partition, QuotaLimit Limit, long Tokens)> Sweep(long nowMs)
    {
        var leftovers = new List<(string, QuotaLimit, long)>();
        foreach (var (partition, lease) in _leases)
        {
            if (lease.TryRetire(nowMs, out var limit, out var leftover))
            {
                _leases.TryRemove(new KeyValuePair<string, Lease>(partition, lease));
                if (leftover > 0)
                {
                    leftovers.Add((partition, limit, leftover));
                }
            }
        }

        return leftovers;
    }

    private sealed class Lease
    {
        private readonly Lock _gate = new();
        private long _tokens;
        private long _sharedRemaining;
        private long _expiresMs;
        private QuotaLimit _limit;
        private bool _retired;

        public bool TryTake(long cost, long nowMs, out long remaining)
        {
            lock (_gate)
            {
                remaining = 0;
                if (_retired || nowMs >= _expiresMs || _tokens < cost)
                {
                    return false;
                }

                _tokens -= cost;
                remaining = _sharedRemaining + _tokens;
                return true;
            }
        }

        public bool TryAdd(QuotaLimit limit, long tokens, long sharedRemaining, long expiresMs)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return false;
                }

                _limit = limit;
                _tokens += tokens;
                _sharedRemaining = sharedRemaining;
                _expiresMs = expiresMs;
                return true;
            }
        }

        public long TakeLeftover(long nowMs)
        {
            lock (_gate)
            {
                if (nowMs < _expiresMs)
                {
                    return 0;
                }

                var leftover = _tokens;
                _tokens = 0;
                return leftover;
            }
        }

        public bool TryRetire(long nowMs, out QuotaLimit limit, out long leftover)
        {
            lock (_gate)
            {
                limit = _limit;
                leftover = 0;
                if (nowMs < _expiresMs)
                {
                    return false;
                }

                leftover = _tokens;
                _tokens = 0;
                _retired = true;
                return true;
            }
        }
    }
}
