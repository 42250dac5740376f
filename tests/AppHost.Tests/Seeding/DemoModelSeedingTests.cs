using System.Net;
using System.Net.Sockets;
using Maestro.AppHost.Seeding;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Seeding;

public sealed class DemoModelSeedingTests
{
    private static readonly string Models = Path.Combine(TestPaths.RepositoryRoot, "samples", "models");

    [Fact]
    public async Task TrySeed_GatewayUnreachable_ReportsAndKeepsRunning()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var seeder = new DemoModelSeeder(http, $"http://127.0.0.1:{FreePorts.Next()}", "key", Models);

        var said = await ReadyAnnouncementExtensions.TrySeedAsync(seeder, CancellationToken.None);

        Assert.StartsWith($"The demo model {DemoModelSeeder.ModelName} was not registered", said);
        Assert.EndsWith("the platform runs without it.", said);
    }

    [Fact]
    public async Task TrySeed_GatewayTooSlow_ReportsAndKeepsRunning()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // accepts connections, never answers
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var seeder = new DemoModelSeeder(http, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", "key", Models);

        var said = await ReadyAnnouncementExtensions.TrySeedAsync(seeder, CancellationToken.None);

        Assert.Contains("was not registered", said);
    }

    [Fact]
    public async Task TrySeed_ModelFileMissing_SaysSoWithoutCallingTheGateway()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var seeder = new DemoModelSeeder(http, "http://127.0.0.1:9", "key", TestPaths.NewTempDirectory("no-models"));

        var said = await ReadyAnnouncementExtensions.TrySeedAsync(seeder, CancellationToken.None);

        Assert.StartsWith("Demo model not seeded:", said);
    }
}
