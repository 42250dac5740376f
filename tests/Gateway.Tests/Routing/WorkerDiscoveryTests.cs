using Maestro.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>
/// The gateway's clusters name services (<c>http://worker</c>); service discovery's YARP resolver turns
/// each into one destination per replica, from <c>services__worker__http__N</c> or the discovery file the
/// AppHost rewrites as replicas restart.
/// </summary>
public sealed class WorkerDiscoveryTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("discovery");

    [Fact]
    public async Task ResolveDestinations_TwoConfiguredReplicas_OneDestinationEach()
    {
        using var host = Gateway(new Dictionary<string, string?>
        {
            ["services:worker:http:0"] = "http://127.0.0.1:5001",
            ["services:worker:http:1"] = "http://127.0.0.1:5002",
        });

        var resolved = await ResolveWorkerAsync(host);

        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"], Addresses(resolved));
    }

    [Fact]
    public async Task ResolveDestinations_DiscoveryFileRewritten_DestinationsFollowTheFile()
    {
        var file = Path.Combine(_directory, "discovery.json");
        Write(file, "http://127.0.0.1:5001", "http://127.0.0.1:5002");
        using var host = Gateway(new Dictionary<string, string?> { [Microsoft.Extensions.Hosting.Extensions.DiscoveryFileSetting] = file });

        var first = await ResolveWorkerAsync(host);
        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"], Addresses(first));

        // worker-1 restarted on another port, as an Aspire replica does.
        var changed = new TaskCompletionSource();
        using var registration = first.ChangeToken!.RegisterChangeCallback(_ => changed.TrySetResult(), null);
        Write(file, "http://127.0.0.1:5001", "http://127.0.0.1:5009");
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = await ResolveWorkerAsync(host);
        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5009/"], Addresses(second));
    }

    /// <summary>The gateway's own service wiring (ServiceDefaults' discovery plus YARP's resolver), without its pipeline.</summary>
    private static IHost Gateway(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.Services.AddReverseProxy().AddServiceDiscoveryDestinationResolver();
        return builder.Build();
    }

    private static async Task<ResolvedDestinationCollection> ResolveWorkerAsync(IHost host) =>
        await host.Services.GetRequiredService<IDestinationResolver>().ResolveDestinationsAsync(
            new Dictionary<string, DestinationConfig> { ["worker"] = new() { Address = "http://worker" } }, CancellationToken.None);

    private static string[] Addresses(ResolvedDestinationCollection resolved) =>
        resolved.Destinations.Values.Select(d => new Uri(d.Address).ToString()).Order().ToArray();

    private static void Write(string file, params string[] addresses)
    {
        var scratch = file + ".tmp";
        File.WriteAllText(scratch, System.Text.Json.JsonSerializer.Serialize(new { services = new { worker = new { http = addresses } } }));
        File.Move(scratch, file, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
