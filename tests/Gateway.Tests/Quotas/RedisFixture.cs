using Maestro.Testing;
using StackExchange.Redis;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>A real redis-server for a test class, and a connection of the test's own to look inside it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    internal RedisServer Server { get; private set; } = null!;

    internal ConnectionMultiplexer Connection { get; private set; } = null!;

    public IDatabase Database => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartNewAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}
