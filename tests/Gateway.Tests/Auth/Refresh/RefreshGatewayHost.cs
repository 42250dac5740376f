using Maestro.Gateway.Auth.Refresh;
using Maestro.Gateway.Tests.Auth;
using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>
/// A gateway whose refresh tokens live in a real <c>redis-server</c> (<see cref="UsesRedis"/>) or in the
/// file store of a fresh data directory, dated by a clock the tests move forward to expire them.
/// </summary>
public abstract class RefreshGatewayHost(bool usesRedis) : GatewayHost
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public bool UsesRedis => usesRedis;

    internal RedisServer? Redis { get; private set; }

    public string? DataDirectory { get; private set; }

    public override async Task InitializeAsync()
    {
        if (usesRedis)
        {
            Redis = await RedisServer.StartNewAsync();
            Settings["ConnectionStrings:redis"] = Redis.ConnectionString;
        }
        else
        {
            DataDirectory = TestPaths.NewTempDirectory("refresh");
            Settings["Gateway:DataDirectory"] = DataDirectory;
        }

        Settings["Gateway:Auth:SigningKey"] = SigningKeyGatewayHost.SigningKey;
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (DataDirectory is not null)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
