using Maestro.AppHost.Redis;
using Maestro.Testing;

namespace Maestro.AppHost.Tests;

/// <summary>The app model Program.cs declares, built by Aspire's testing builder (nothing is started).</summary>
public sealed class AppModelTests : IDisposable
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("appmodel");

    [Fact]
    public async Task Build_ThreeWorkers_DeclaresRedisRegistryReplicatedWorkersAndGateway()
    {
        var port = FreePorts.Next();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--workers", "3", "--port", port.ToString(), "--dashboard-port", FreePorts.Next().ToString(), "--data-dir", _dataDirectory, "--no-seed"]);
        // Aspire adds a hidden "<project>-rebuilder" helper per project (its Rebuild command): not ours to list.
        var resources = builder.Resources.Where(r => !r.Name.EndsWith("-rebuilder", StringComparison.Ordinal)).ToDictionary(r => r.Name);

        Assert.Equal(["dev-api-key", "gateway", "redis", "registry", "worker"], resources.Keys.Order());
        var (registry, worker, gateway) = ((ProjectResource)resources["registry"], (ProjectResource)resources["worker"], (ProjectResource)resources["gateway"]);

        Assert.Equal(3, worker.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        var gatewayHttp = gateway.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.Equal(port, gatewayHttp.Port);
        Assert.False(gatewayHttp.IsProxied);
        Assert.True(gatewayHttp.IsExternal);
        Assert.False(registry.Annotations.OfType<EndpointAnnotation>().Single().IsProxied);

        Assert.All(new[] { registry, worker, gateway }, project => Assert.NotEmpty(project.Annotations.OfType<HealthCheckAnnotation>()));
        Assert.Equal(["redis", "registry", "worker"], WaitsFor(gateway));
        Assert.Equal(["redis", "registry"], WaitsFor(worker));
        Assert.Equal(["redis"], WaitsFor(registry));
        Assert.Contains(gateway.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource == worker);
    }

    [Fact]
    public async Task Build_RedisServerInstalled_RedisIsALocalProcessKeepingAnAppendOnlyFile()
    {
        Assert.True(RedisHostingChoice.FindOnPath("redis-server") is not null, "redis-server is not installed; the README's test command installs it.");

        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--port", FreePorts.Next().ToString(), "--dashboard-port", FreePorts.Next().ToString(), "--data-dir", _dataDirectory]);

        var redis = Assert.IsType<RedisServerResource>(builder.Resources.Single(r => r.Name == "redis"));
        var endpoint = redis.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.False(endpoint.IsProxied);
        Assert.Null(endpoint.Port); // allocated per run, so parallel AppHosts never collide
        Assert.Equal(Path.Combine(_dataDirectory, "redis"), redis.WorkingDirectory);
        Assert.Contains("--appendonly", RedisResourceBuilderExtensions.RedisServerArguments(redis.WorkingDirectory));
    }

    private static string[] WaitsFor(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Distinct().Order().ToArray();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
