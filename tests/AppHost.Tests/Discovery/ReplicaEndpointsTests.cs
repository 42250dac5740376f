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

    [Theory]
    [InlineData("http://localhost:41001;http://localhost:41002", 41002, "http://127.0.0.1:41001", "http://127.0.0.1:41002")]
    [InlineData("http://localhost:41002;http://localhost:41001", 41002, "http://127.0.0.1:41001", "http://127.0.0.1:41002")]
    [InlineData("http://localhost:41001", 41002, "http://127.0.0.1:41001", null)]
    public void AddressOf_WithAnHttp2Port_HttpOneIsTheOtherAddress(string urls, int http2Port, string expectedHttp, string? expectedHttp2)
    {
        Assert.Equal(expectedHttp, ReplicaEndpoints.AddressOf(urls, http2Port));
        Assert.Equal(expectedHttp2, ReplicaEndpoints.AddressOn(urls, http2Port));
    }

    [Fact]
    public void Observe_ReplicasWithHttp2Endpoints_ListedUnderH2cBesideHttp()
    {
        var endpoints = new ReplicaEndpoints(new ContainerResource("worker"), "worker", Path.Combine(_directory, "h2c", "discovery.json"), "Worker__Http2Port");
        endpoints.Observe("worker-b", KnownResourceStates.Running, HealthStatus.Healthy, new ReplicaAddress("http://127.0.0.1:41003", "http://127.0.0.1:41004"));
        endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, new ReplicaAddress("http://127.0.0.1:41001", "http://127.0.0.1:41002"));

        Assert.Equal(["http://127.0.0.1:41001", "http://127.0.0.1:41003"], Listed(endpoints.Path, "http"));
        Assert.Equal(["http://127.0.0.1:41002", "http://127.0.0.1:41004"], Listed(endpoints.Path, "h2c"));

        endpoints.Observe("worker-a", KnownResourceStates.Finished, null, (ReplicaAddress?)null);
        Assert.Equal(["http://127.0.0.1:41004"], Listed(endpoints.Path, "h2c"));
    }

    [Fact]
    public void Observe_WithoutHttp2_NoH2cList()
    {
        _endpoints.Observe("worker-a", KnownResourceStates.Running, HealthStatus.Healthy, "http://127.0.0.1:41001");

        using var document = JsonDocument.Parse(File.ReadAllText(_endpoints.Path));
        Assert.False(document.RootElement.GetProperty("services").GetProperty("worker").TryGetProperty("h2c", out _));
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

    private string[] Listed() => Listed(_endpoints.Path, "http");

    private static string[] Listed(string path, string endpoint)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("services").GetProperty("worker").GetProperty(endpoint)
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
