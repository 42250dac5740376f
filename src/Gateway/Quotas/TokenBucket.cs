namespace Maestro.Gateway.Quotas;

/// <summary>
/// One token bucket held in memory, with the same whole-number arithmetic as the Redis script in
/// <see cref="RedisTokenBuckets"/>: a full bucket to start with, refill for the time elapsed since the
/// last take (a clock that goes back adds nothing), and a take only when every token the request
/// costs is there. Thread-safe.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private bool _started;
    private long _units;
    private long _stampMs;

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

            return new QuotaDecision(
                allowed,
                _units / QuotaLimit.UnitsPerToken,
                allowed ? 0 : CeilingDivide(costUnits - _units, limit.RequestsPerMinute),
                CeilingDivide(capacity - _units, limit.RequestsPerMinute),
                Shared: false);
        }
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
