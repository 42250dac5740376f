using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The gateway's own short-lived tokens (HS256): <c>sub</c> = the key id, the key's <c>scope</c>,
/// <c>maestro:plan</c> when the key names a plan (else none: the quotas' default plan applies) and,
/// when the key has one, <c>maestro:rate_limit</c>.
/// </summary>
internal sealed class TokenIssuer(IOptions<GatewayAuthOptions> options, GatewaySigningKey signingKey, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, TimeSpan Lifetime) Issue(ClaimsPrincipal caller)
    {
        var settings = options.Value;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = caller.FindFirst(GatewayClaims.KeyId)!.Value,
            [GatewayClaims.Scope] = caller.FindFirst(GatewayClaims.Scope)?.Value ?? "",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (caller.FindFirst(GatewayClaims.Plan)?.Value is { Length: > 0 } plan)
        {
            claims[GatewayClaims.Plan] = plan;
        }

        if (caller.FindFirst(GatewayClaims.RateLimit)?.Value is { } rateLimit)
        {
            claims[GatewayClaims.RateLimit] = rateLimit;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.EffectiveAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, settings.TokenLifetime);
    }
}
