using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>
/// How bearer tokens are checked: signed (never <c>alg: none</c>), with one allowed algorithm — RS256
/// from the <see cref="GatewayAuthOptions.Authority"/>'s JWKS (found by OIDC discovery), or HS256 with
/// the gateway's own key — and issuer, audience and lifetime checked with at most 30 s of clock skew,
/// on the service's one clock (the one <see cref="TokenIssuer"/> dates its tokens with).
/// </summary>
internal sealed class BearerTokenOptionsSetup(IOptions<GatewayAuthOptions> auth, GatewaySigningKey signingKey, TimeProvider time)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;
        options.EventsType = typeof(BearerTokenEvents);
        options.MapInboundClaims = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = settings.MaxTokenBytes });

        var validation = options.TokenValidationParameters;
        validation.RequireSignedTokens = true;
        validation.RequireExpirationTime = true;
        validation.ValidateIssuer = true;
        validation.ValidateAudience = true;
        validation.ValidateLifetime = true;
        validation.ValidateIssuerSigningKey = true;
        validation.ClockSkew = settings.ClockSkew;
        validation.LifetimeValidator = TokenLifetimeValidator.On(time);
        validation.ValidAudience = settings.EffectiveAudience;
        if (settings.UsesAuthority)
        {
            options.Authority = settings.Authority;
            options.Audience = settings.Audience;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            validation.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }
        else
        {
            validation.ValidIssuer = settings.Issuer;
            validation.IssuerSigningKey = signingKey.Key;
            validation.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }
}
