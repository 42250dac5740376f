using Maestro.Gateway.Auth;
namespace Maestro.Gateway.Quotas;

/// <summary>
/// Quotas, under <c>Gateway:Quotas</c>. Every caller with a key id (claim <c>maestro:key_id</c>) gets a
/// token bucket of its plan (claim <c>maestro:plan</c>, else <see cref="DefaultPlan"/>); a
/// <c>maestro:rate_limit</c> claim overrides the plan's numbers. Plan <c>unlimited</c> has no quota.
/// </summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Gateway:Quotas";

    /// <summary>The plan name that means no quota at all (the development key's plan).</summary>
    public const string UnlimitedPlan = GatewayClaims.UnlimitedPlan;

    /// <summary>The plan of a caller whose credentials name none (default <c>free</c>).</summary>
    public string DefaultPlan { get; set; } = "free";

    /// <summary>
    /// The plans by name. Defaults: <c>free</c> 60 requests per minute in bursts of up to 20, <c>pro</c>
    /// 6,000 per minute in bursts of up to 500; configuration adds plans or changes these numbers.
    /// </summary>
    public Dictionary<string, QuotaPlanOptions> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        ["free"] = new() { RequestsPerMinute = 60, Burst = 20 },
        ["pro"] = new() { RequestsPerMinute = 6000, Burst = 500 },
    };

    /// <summary>
    /// The longest a quota decision waits for Redis (default 250 ms) before the request is decided by
    /// this instance's own buckets instead.
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long Redis is skipped after it failed (default 5 s); then one request tries it again.</summary>
    public TimeSpan RedisBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
