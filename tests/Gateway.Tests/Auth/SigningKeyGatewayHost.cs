namespace Maestro.Gateway.Tests.Auth;

/// <summary>A gateway that signs its own tokens with a key the tests know, so they can forge near-misses.</summary>
public sealed class SigningKeyGatewayHost() : ConfiguredGatewayHost(new Dictionary<string, string>
{
    ["Gateway:Auth:SigningKey"] = SigningKey,
})
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-0123456789";
    public const string Issuer = "maestro-gateway";
    public const string Audience = "maestro";
}
