namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>The refresh token contract with the tokens in the real redis-server.</summary>
public sealed class RedisRefreshTokenTests(RedisRefreshGatewayHost gateway) : RefreshTokenTests(gateway), IClassFixture<RedisRefreshGatewayHost>;
