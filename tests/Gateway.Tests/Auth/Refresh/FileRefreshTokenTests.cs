namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>The refresh token contract with the tokens in the file store (refresh-tokens.json).</summary>
public sealed class FileRefreshTokenTests(FileRefreshGatewayHost gateway) : RefreshTokenTests(gateway), IClassFixture<FileRefreshGatewayHost>;
