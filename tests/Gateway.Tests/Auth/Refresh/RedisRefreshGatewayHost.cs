namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>Refresh tokens in the real redis-server.</summary>
public sealed class RedisRefreshGatewayHost() : RefreshGatewayHost(usesRedis: true);
