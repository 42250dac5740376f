using System.Security.Claims;
using Maestro.Contracts;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The claims every authenticated caller carries, whatever the credential (contract 3 between the
/// gateway's parts): <c>maestro:key_id</c> (the quota partition), one space-separated <c>scope</c>
/// claim, <c>maestro:plan</c> when the credentials name a plan (none names the quotas' default plan,
/// <c>Gateway:Quotas:DefaultPlan</c>) and, for a key with its own limit, <c>maestro:rate_limit</c>.
/// </summary>
public static class GatewayClaims
{
    public const string KeyId = MaestroClaims.KeyId;
    public const string Scope = MaestroClaims.Scope;
    public const string Plan = MaestroClaims.Plan;
    public const string RateLimit = MaestroClaims.RateLimit;

    /// <summary>The plan without quota (the development admin key's).</summary>
    public const string UnlimitedPlan = "unlimited";

    public static GatewayPrincipal Principal(string keyId, IEnumerable<string> scopes, string? plan, ApiKeyRateLimit? rateLimit, string authenticationType)
    {
        var scope = string.Join(' ', scopes);
        var limit = rateLimit?.ToClaimValue();
        var claims = new List<Claim>(5)
        {
            new(ClaimTypes.NameIdentifier, keyId),
            new(KeyId, keyId),
            new(Scope, scope),
        };
        if (!string.IsNullOrEmpty(plan))
        {
            claims.Add(new Claim(Plan, plan));
        }

        if (limit is not null)
        {
            claims.Add(new Claim(RateLimit, limit));
        }

        return new GatewayPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.NameIdentifier, null),
            keyId, scope, string.IsNullOrEmpty(plan) ? null : plan, limit);
    }

    /// <summary>The caller's key id: from the principal's fields when it is a <see cref="GatewayPrincipal"/>.</summary>
    public static string? KeyIdOf(ClaimsPrincipal user) => user is GatewayPrincipal caller ? caller.KeyId : user.FindFirst(KeyId)?.Value;

    /// <summary>The caller's space-separated scopes.</summary>
    public static string? ScopeOf(ClaimsPrincipal user) => user is GatewayPrincipal caller ? caller.Scope : user.FindFirst(Scope)?.Value;
}
