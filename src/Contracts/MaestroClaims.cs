namespace Maestro.Contracts;

/// <summary>
/// The claims every caller the gateway authenticates carries, whatever the credential (an API key, the
/// gateway's own token, an identity provider's): what quotas, scopes and forwarding read.
/// </summary>
public static class MaestroClaims
{
    /// <summary>The key id (or token subject): the caller's identity and quota partition.</summary>
    public const string KeyId = "maestro:key_id";

    /// <summary>One space-separated list of scopes.</summary>
    public const string Scope = "scope";

    /// <summary>The quota plan.</summary>
    public const string Plan = "maestro:plan";

    /// <summary>A key's own rate limit, when it has one: <c>requests_per_minute:burst</c>.</summary>
    public const string RateLimit = "maestro:rate_limit";
}
