using Maestro.AppHost.Hosting;
using Maestro.AppHost.Seeding;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Hosting;

public sealed class DemoSeedingTests
{
    [Fact]
    public async Task TrySeed_GatewayUnreachable_ReportsAndKeepsRunning()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var seeder = new DemoModelSeeder(http, $"http://127.0.0.1:{PortAllocator.FreePort()}", "key", TestPaths.RepositoryRoot);

        var seeded = await DistributedApplication.TrySeedAsync(seeder, CancellationToken.None);

        Assert.False(seeded);
    }

    [Fact]
    public async Task TrySeed_GatewayTooSlow_ReportsAndKeepsRunning()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start(); // accepts connections, never answers
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var seeder = new DemoModelSeeder(http, $"http://127.0.0.1:{port}", "key", TestPaths.RepositoryRoot);

        var seeded = await DistributedApplication.TrySeedAsync(seeder, CancellationToken.None);

        Assert.False(seeded);
    }
}
