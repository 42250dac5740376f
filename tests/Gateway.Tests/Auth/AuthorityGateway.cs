namespace Maestro.Gateway.Tests.Auth;

/// <summary>A gateway that trusts an external issuer (<see cref="TestOidcIssuer"/>) instead of signing its own tokens.</summary>
public sealed class AuthorityGateway : IAsyncLifetime
{
    public const string Audience = "maestro-api";

    internal TestOidcIssuer Issuer { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestOidcIssuer.StartAsync();
        Gateway = new ConfiguredGatewayHost(new Dictionary<string, string>
        {
            ["Gateway:Auth:Authority"] = Issuer.Address,
            ["Gateway:Auth:Audience"] = Audience,
            ["Gateway:Auth:RequireHttpsMetadata"] = "false",
        });
        await Gateway.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
