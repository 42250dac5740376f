namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>Refresh tokens in the file store (refresh-tokens.json).</summary>
public sealed class FileRefreshGatewayHost() : RefreshGatewayHost(usesRedis: false);
