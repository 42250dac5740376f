using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Two gateway replicas sharing one real <c>redis-server</c>, as behind a load balancer.</summary>
public sealed class RedisGatewayPair : IAsyncLifetime
{
    internal RedisServer Redis { get; private set; } = null!;

    public GatewayHost First { get; private set; } = null!;

    public GatewayHost Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartNewAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = Redis.ConnectionString,
            // Replicas share the signing key, so a token from one is good on the other.
            ["Gateway:Auth:SigningKey"] = SigningKeyGatewayHost.SigningKey,
        };
        First = new ConfiguredGatewayHost(settings);
        Second = new ConfiguredGatewayHost(settings);
        await First.InitializeAsync();
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
