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

    /// <summary>Redis answered: close the circuit (a no-op, without a write, while it is closed).</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _openUntil) != 0)
        {
            Volatile.Write(ref _openUntil, 0);
            Volatile.Write(ref _probing, 0);
        }
    }

    /// <summary>Redis failed or timed out: open the circuit for a break from now.</summary>
    public void Failed()
    {
        Volatile.Write(ref _openUntil, Math.Max(1, time.GetTimestamp() + _breakTicks));
        Volatile.Write(ref _probing, 0);
    }
}
