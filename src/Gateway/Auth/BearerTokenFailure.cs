using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>Why a bearer token was refused, in words a caller can act on (and a short reason for metrics).</summary>
internal static class BearerTokenFailure
{
    public static (string Reason, string Detail) Describe(Exception? failure, GatewayAuthOptions options) => failure switch
    {
        null => ("missing", "The Authorization header must be 'Bearer <token>'; or send an API key in the X-API-Key header."),
        SecurityTokenExpiredException => ("expired", options.UsesAuthority
            ? "The bearer token has expired; get a new one from your identity provider."
            : "The bearer token has expired; get a new one from POST /auth/token."),
        SecurityTokenNotYetValidException => ("invalid", "The bearer token is not valid yet (its nbf is in the future)."),
        SecurityTokenInvalidAudienceException => ("invalid", $"The bearer token is not meant for this gateway: its audience must be '{options.EffectiveAudience}'."),
        SecurityTokenInvalidIssuerException => ("invalid", "The bearer token comes from an issuer this gateway does not trust."),
        SecurityTokenInvalidAlgorithmException => ("invalid",
            $"The bearer token is signed with an algorithm this gateway does not accept (only {(options.UsesAuthority ? "RS256" : "HS256")})."),
        SecurityTokenInvalidSignatureException => ("invalid", "The bearer token's signature does not verify."),
        OversizedTokenException => ("invalid", failure.Message),
        RevokedKeyTokenException => ("revoked", failure.Message),
        _ => ("invalid", "The bearer token is not a well-formed, signed and current JWT for this gateway."),
    };
}
