using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>A token of the gateway's own whose API key has been revoked (or is gone).</summary>
internal sealed class RevokedKeyTokenException()
    : SecurityTokenException("The API key this bearer token was issued for has been revoked; tokens of a revoked key stop working with it.");
