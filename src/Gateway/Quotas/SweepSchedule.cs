namespace Maestro.Gateway.Quotas;

/// <summary>
/// When a periodic clean-up on the request path is due: at most once per <paramref name="intervalMs"/>
/// of the quota clock, and then for exactly one of the requests that find it due.
/// </summary>
internal sealed class SweepSchedule(long intervalMs)
{
    private long _nextMs = long.MinValue;

    /// <summary>True for the one caller that takes this turn; the next turn is due <c>intervalMs</c> later.</summary>
    public bool TryStart(long nowMs)
    {
        var due = Volatile.Read(ref _nextMs);
        return nowMs >= due && Interlocked.CompareExchange(ref _nextMs, nowMs + intervalMs, due) == due;
    }
}
