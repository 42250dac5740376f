namespace Maestro.Gateway.Quotas;

/// <summary>
/// One token bucket held in memory, with the same whole-number arithmetic as the Redis script in
/// <see cref="RedisTokenBuckets"/>: a full bucket to start with, refill for the time elapsed since the
/// last take (a clock that goes back adds nothing), and a take only when every token the request
/// costs is there. Thread-safe. A bucket that would be full by now holds nothing a new bucket would
/// not: <see cref="TryRetire"/> then ends it, so its owner can forget it without changing a decision.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private bool _started;
    private long _units;
    private long _stampMs;
    private long _fullAtMs;
    private bool _retired;

    /// <summary>The decision, or <c>null</c> when the bucket was retired (the caller takes from a new one).</summary>
    public QuotaDecision? TryTake(QuotaLimit limit, long cost, long nowMs)
    {
        lock (_gate)
        {
            return _retired ? null : Take(limit, cost, nowMs);
        }
    }

    /// <summary>Retires the bucket when it would be full at <paramref name="nowMs"/>: nothing is lost by forgetting it.</summary>
    public bool TryRetire(long nowMs)
    {
        lock (_gate)
        {
            _retired |= !_started || nowMs >= _fullAtMs;
            return _retired;
        }
    }

    public QuotaDecision Take(QuotaLimit limit, long cost, long nowMs)
    {
        lock (_gate)
        {
            var capacity = limit.CapacityUnits;
            if (!_started)
            {
                (_started, _units, _stampMs) = (true, capacity, nowMs);
            }

            if (nowMs > _stampMs)
            {
                var elapsed = nowMs - _stampMs;
                _units = elapsed >= CeilingDivide(capacity - Math.Min(_units, capacity), limit.RequestsPerMinute)
                    ? capacity
                    : _units + elapsed * limit.RequestsPerMinute;
                _stampMs = nowMs;
            }

            _units = Math.Min(_units, capacity);
            var costUnits = cost * QuotaLimit.UnitsPerToken;
            var allowed = _units >= costUnits;
            if (allowed)
            {
                _units -= costUnits;
            }

            var fullAfterMs = CeilingDivide(capacity - _units, limit.RequestsPerMinute);
            _fullAtMs = _stampMs + fullAfterMs;
            return new QuotaDecision(
                allowed,
                _units / QuotaLimit.UnitsPerToken,
                allowed ? 0 : CeilingDivide(costUnits - _units, limit.RequestsPerMinute),
                fullAfterMs,
                Shared: false);
        }
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
