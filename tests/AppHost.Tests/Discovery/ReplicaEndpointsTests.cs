using System.Text.Json;
using Maestro.AppHost.Discovery;
using Maestro.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.AppHost.Tests.Discovery;

public sealed class ReplicaEndpointsTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("replicas");
    private readonly ReplicaEndpoints _endpoints;

    public ReplicaEndpointsTests() =>
        _endpoints = new ReplicaEndpoints(new ContainerResource("worker"), "worker", Path.Combine(_directory, "gateway", "discovery.json"));

    [Theory]
    [InlineData("http://localhost:41001", "http://127.0.0.1:41001")]
    [InlineData("https://localhost:41002;http://localhost:41001", "http://127.0.0.1:41001")]
    [InlineData("http://10.0.0.7:8080", "http://10.0.0.7:8080")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080")]
    [InlineData(null, null)]
    [InlineData("https://localhost:41002", null)]
    public void AddressOf_AspNetCoreUrls_TheReplicasOwnHttpAddress(string? urls, string? expected)
    {
        Assert.Equal(expected, ReplicaEndpoints.AddressOf(urls));
    }

    [Fact]
    public void Observe_HealthyReplicas_ListedInTheFile()
    {
        _endpoints.Observe("worker-b", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41002");
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41001");

        Assert.Equal(["http://127.0.0.1:41001", "http://127.0.0.1:41002"], Listed());
    }

    [Fact]
    public void Observe_RunningButNotYetHealthy_NotListed()
    {
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Unhealthy, "http://127.0.0.1:41001");
        _endpoints.Write();

        Assert.Empty(Listed());
        Assert.Equal(0, _endpoints.Serving);
    }

    [Fact]
    public void Observe_HealthyReplicaTurnsUnhealthy_StaysListedUntilItStops()
    {
        // The gateway's own health checks take a sick replica out of rotation; the file lists where replicas are.
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41001");
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Unhealthy, "http://127.0.0.1:41001");
        Assert.Equal(["http://127.0.0.1:41001"], Listed());

        _endpoints.Observe("worker-a", KnownResourceStates.Finished, null, "http://127.0.0.1:41001");
        Assert.Empty(Listed());
    }

    [Fact]
    public void Observe_ReplicaRestartedOnANewPort_TheFileFollows()
    {
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41001");
        _endpoints.Observe("worker-a", KnownResourceStates.Finished, null, "http://127.0.0.1:41001");
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41007");

        Assert.Equal(["http://127.0.0.1:41007"], Listed());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_endpoints.Path)!, "*.tmp"));
    }

    [Fact]
    public async Task WriteWhenServingAsync_TimesOut_StillWritesTheFile()
    {
        await _endpoints.WriteWhenServingAsync(replicas: 2, TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.Empty(Listed());
    }

    private string[] Listed()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(_endpoints.Path));
        return document.RootElement.GetProperty("services").GetProperty("worker").GetProperty("http")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
