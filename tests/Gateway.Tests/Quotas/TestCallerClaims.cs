using System.Security.Claims;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Quotas;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// Test-only: turns a caller authenticated with the development key into the caller named by
/// <c>X-Test-Caller: key=&lt;id&gt;[;plan=&lt;plan&gt;][;rate=&lt;rpm&gt;:&lt;burst&gt;]</c>, with exactly the claims
/// authentication produces (contract 3), so quotas are tested without any key storage.
/// </summary>
internal sealed class TestCallerClaims(IHttpContextAccessor accessor) : IClaimsTransformation
{
    public const string Header = "X-Test-Caller";

    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var value = accessor.HttpContext?.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(value) || principal.Identity is not { IsAuthenticated: true } identity)
        {
            return Task.FromResult(principal);
        }

        var claims = new List<Claim> { new(GatewayClaims.Scope, string.Join(' ', Scopes.All)) };
        foreach (var part in value.Split(';'))
        {
            var (name, setting) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            claims.Add(new Claim(name switch
            {
                "key" => GatewayClaims.KeyId,
                "plan" => GatewayClaims.Plan,
                "rate" => GatewayClaims.RateLimit,
                _ => throw new ArgumentException($"Unknown {Header} part '{name}'."),
            }, setting));
        }

        return Task.FromResult(new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType)));
    }
}
