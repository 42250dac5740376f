using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Maestro.Gateway.Auth;

/// <summary>
/// A caller as <see cref="GatewayClaims.Principal"/> builds it: the claims, and the same values read
/// once for the hot path (key id, scopes, plan, own limit), so nothing on a request's way through
/// authorization, quota and forwarding searches the claims again. An API key's principal is built once
/// per cache entry and shared by that key's concurrent requests: never change one after it is built.
/// </summary>
public sealed class GatewayPrincipal : ClaimsPrincipal
{
    internal GatewayPrincipal(ClaimsIdentity identity, string keyId, string scope, string? plan, string? rateLimit)
        : base(identity)
    {
        (KeyId, Scope, Plan, RateLimit) = (keyId, scope, plan, rateLimit);
        AuthenticateTask = Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(this, identity.AuthenticationType!)));
    }

    /// <summary>The quota partition: the key id, or the token's subject.</summary>
    public string KeyId { get; }

    /// <summary>The scopes, space-separated.</summary>
    public string Scope { get; }

    /// <summary>The plan the credentials name, or <c>null</c>: then the quotas' default plan applies.</summary>
    public string? Plan { get; }

    /// <summary>The key's own limit (<c>"&lt;requests_per_minute&gt;:&lt;burst&gt;"</c>), or <c>null</c>.</summary>
    public string? RateLimit { get; }

    /// <summary>This principal as a successful authentication, built once.</summary>
    internal Task<AuthenticateResult> AuthenticateTask { get; }

    /// <summary>What the quota resolved for this caller last, with the settings it was resolved under.</summary>
    internal object? CachedQuota { get; set; }
}
