using System.ComponentModel.DataAnnotations;

namespace Maestro.Gateway.Abuse;

/// <summary>
/// How many failed authentications a client address may have, under <c>Gateway:AuthFailureLimit</c>:
/// once it has <see cref="PermitLimit"/> within a <see cref="Window"/>, every request of its that carries
/// credentials (and every <c>POST /auth/refresh</c>) is refused with 429 until the window ends.
/// </summary>
public sealed class AuthFailureLimitOptions
{
    public const string SectionName = "Gateway:AuthFailureLimit";

    /// <summary>Failed authentications allowed per client address and window (default 20).</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 20;

    /// <summary>The window failures are counted in, from the first one (default 1 minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a count waits for Redis before this instance counts on its own (default 250 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Client addresses tracked at once on an instance (default 100,000); the oldest windows make room.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTrackedClients { get; set; } = 100_000;
}
