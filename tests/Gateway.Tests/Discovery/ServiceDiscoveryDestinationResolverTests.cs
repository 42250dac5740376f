using System.Net;
using Maestro.Gateway.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;

namespace Maestro.Gateway.Tests.Discovery;

public sealed class ServiceDiscoveryDestinationResolverTests
{
    [Theory]
    [InlineData("http://worker", "10.0.0.5", 8080, "http://10.0.0.5:8080")]
    [InlineData("https://worker", "10.0.0.5", 8443, "https://10.0.0.5:8443")]
    [InlineData("http://worker/", "10.0.0.5", 80, "http://10.0.0.5:80")]
    [InlineData("http://worker/inference/", "10.0.0.5", 80, "http://10.0.0.5:80/inference")]
    [InlineData("http://worker", "::1", 5000, "http://[::1]:5000")]
    public void AddressOf_IpEndPoint_UsesConfiguredSchemeAndPath(string configured, string ip, int port, string expected)
    {
        var address = ServiceDiscoveryDestinationResolver.AddressOf(new IPEndPoint(IPAddress.Parse(ip), port), new Uri(configured));

        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("http://worker", "worker-0.workers.svc", 8080, "http://worker-0.workers.svc:8080")]
    [InlineData("https://registry/base", "registry.internal", 443, "https://registry.internal:443/base")]
    public void AddressOf_DnsEndPoint_UsesHostPortAndConfiguredSchemeAndPath(string configured, string host, int port, string expected)
    {
        var address = ServiceDiscoveryDestinationResolver.AddressOf(new DnsEndPoint(host, port), new Uri(configured));

        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("http://worker", "https://10.1.2.3:7443", "https://10.1.2.3:7443")]
    [InlineData("http://worker/v", "http://worker-1.local:5001/ignored/path", "http://worker-1.local:5001/v")]
    public void AddressOf_UriEndPoint_KeepsItsSchemeAndAuthorityWithConfiguredPath(string configured, string endpoint, string expected)
    {
        var address = ServiceDiscoveryDestinationResolver.AddressOf(new UriEndPoint(new Uri(endpoint)), new Uri(configured));

        Assert.Equal(expected, address);
    }

    [Fact]
    public async Task ResolveDestinationsAsync_TwoConfiguredReplicas_OneDestinationEach()
    {
        await using var services = Services(new()
        {
            ["services:worker:http:0"] = "http://127.0.0.1:5001",
            ["services:worker:http:1"] = "http://127.0.0.1:5002",
            ["services:registry:http:0"] = "http://127.0.0.1:5003",
        });
        var resolver = new ServiceDiscoveryDestinationResolver(services.GetRequiredService<ServiceEndpointResolver>());
        var metadata = new Dictionary<string, string> { ["zone"] = "a" };

        var resolved = await resolver.ResolveDestinationsAsync(
            new Dictionary<string, DestinationConfig>
            {
                ["worker"] = new() { Address = "http://worker", Metadata = metadata },
                ["registry"] = new() { Address = "http://registry" },
            },
            CancellationToken.None);

        Assert.Equal(
            ["registry[0]=http://127.0.0.1:5003", "worker[0]=http://127.0.0.1:5001", "worker[1]=http://127.0.0.1:5002"],
            resolved.Destinations.Select(pair => $"{pair.Key}={pair.Value.Address}").Order());
        Assert.Same(metadata, resolved.Destinations["worker[1]"].Metadata);
        Assert.NotNull(resolved.ChangeToken);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddServiceDiscoveryCore()
            .AddConfigurationServiceEndpointProvider()
            .BuildServiceProvider();
    }
}
