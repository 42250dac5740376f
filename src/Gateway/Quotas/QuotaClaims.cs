namespace Maestro.Gateway.Quotas;

/// <summary>The claims quotas read (the lead's contract 3; authentication produces them).</summary>
internal static class QuotaClaims
{
    /// <summary>The key id or token subject: whose bucket a request draws on.</summary>
    public const string KeyId = "maestro:key_id";

    /// <summary>The plan's name; absent means <see cref="QuotaOptions.DefaultPlan"/>.</summary>
    public const string Plan = "maestro:plan";

    /// <summary>A key's own limits, <c>"&lt;requests_per_minute&gt;:&lt;burst&gt;"</c>; wins over the plan.</summary>
    public const string RateLimit = "maestro:rate_limit";
}
