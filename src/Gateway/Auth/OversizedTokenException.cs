using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>A token longer than <see cref="GatewayAuthOptions.MaxTokenBytes"/>, refused before it is parsed.</summary>
internal sealed class OversizedTokenException(int length, int limit)
    : SecurityTokenException($"The bearer token is {length} bytes; this gateway accepts at most {limit}.");
