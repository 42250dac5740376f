using System.Security.Claims;
using Maestro.Contracts;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The claims every authenticated caller carries, whatever the credential (contract 3 between the
/// gateway's parts): <c>maestro:key_id</c> (the quota partition), one space-separated <c>scope</c>
/// claim, <c>maestro:plan</c> and, for a key with its own limit, <c>maestro:rate_limit</c>.
/// </summary>
public static class GatewayClaims
{
    public const string KeyId = MaestroClaims.KeyId;
    public const string Scope = MaestroClaims.Scope;
    public const string Plan = MaestroClaims.Plan;
    public const string RateLimit = MaestroClaims.RateLimit;

    /// <summary>The plan of a caller that names none.</summary>
    public const string DefaultPlan = "free";

    /// <summary>The plan without quota (the development admin key's).</summary>
    public const string UnlimitedPlan = "unlimited";

    public static ClaimsPrincipal Principal(string keyId, IEnumerable<string> scopes, string? plan, ApiKeyRateLimit? rateLimit, string authenticationType)
    {
        var claims = new List<Claim>(5)
        {
            new(ClaimTypes.NameIdentifier, keyId),
            new(KeyId, keyId),
            new(Scope, string.Join(' ', scopes)),
            new(Plan, string.IsNullOrEmpty(plan) ? DefaultPlan : plan),
        };
        if (rateLimit is not null)
        {
            claims.Add(new Claim(RateLimit, rateLimit.ToClaimValue()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.NameIdentifier, null));
    }
}
