namespace Maestro.Gateway.Quotas;

/// <summary>
/// Keeps requests off Redis for a while after it failed, so that a Redis that is down or slow costs
/// one timeout per break rather than one per request. Closed: every call may try. Open: nobody tries
/// until the break is over; then exactly one call tries, and its outcome closes or re-opens it.
/// </summary>
internal sealed class RedisCircuit(TimeProvider time, TimeSpan breakDuration)
{
    private readonly long _breakTicks = (long)(breakDuration.TotalSeconds * time.TimestampFrequency);
    private long _openUntil; // a TimeProvider timestamp; 0 while closed
    private int _probing;

    /// <summary>Whether this call may use Redis now.</summary>
    public bool TryEnter()
    {
        var openUntil = Volatile.Read(ref _openUntil);
        return openUntil == 0
            || (time.GetTimestamp() >= openUntil && Interlocked.CompareExchange(ref _probing, 1, 0) == 0);
    }

    /// <summary>Redis answered. Returns whether that closed an open circuit.</summary>
    public bool Succeeded()
    {
        if (Volatile.Read(ref _openUntil) == 0)
        {
            return false;
        }

        var wasOpen = Interlocked.Exchange(ref _openUntil, 0) != 0;
        Volatile.Write(ref _probing, 0);
        return wasOpen;
    }

    /// <summary>Redis failed or timed out. Returns whether that opened a closed circuit.</summary>
    public bool Failed()
    {
        var wasClosed = Interlocked.Exchange(ref _openUntil, Math.Max(1, time.GetTimestamp() + _breakTicks)) == 0;
        Volatile.Write(ref _probing, 0);
        return wasClosed;
    }
}
