using Maestro.AppHost.Postgres;
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
        // Each worker speaks HTTP/1.1 on http (probes, people) and HTTP/2 on h2c (the gateway).
        Assert.Equal(["h2c", "http"], worker.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).Order());
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

    [Fact]
    public async Task Build_NoPostgres_RegistryHasNoDatabaseConnectionString()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--port", FreePorts.Next().ToString(), "--dashboard-port", FreePorts.Next().ToString(), "--data-dir", _dataDirectory, "--no-seed"]);

        Assert.DoesNotContain(builder.Resources, r => r.Name == "postgres");
        var registry = (ProjectResource)builder.Resources.Single(r => r.Name == "registry");
        Assert.Null(registry.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault());
    }

    [Fact]
    public async Task Build_PostgresWithTwoRegistryReplicas_DeclaresTheServerAndHandsEveryConsumerEachReplica()
    {
        Assert.True(PostgresHostingChoice.FindBinDirectory() is not null, "PostgreSQL is not installed; the README's test command installs it.");

        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--port", FreePorts.Next().ToString(), "--dashboard-port", FreePorts.Next().ToString(), "--data-dir", _dataDirectory, "--no-seed",
             "--postgres", "--registry-replicas", "2"]);
        var resources = builder.Resources.ToDictionary(r => r.Name);

        var postgres = Assert.IsType<PostgresExecutableResource>(resources["postgres"]);
        Assert.Equal(Path.Combine(_dataDirectory, "postgres"), postgres.DataDirectory);
        var endpoint = postgres.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.False(endpoint.IsProxied);
        Assert.Null(endpoint.Port);
        Assert.NotEmpty(postgres.Annotations.OfType<HealthCheckAnnotation>());
        Assert.StartsWith("Host=127.0.0.1;Port=", postgres.ConnectionStringExpression.ValueExpression.Replace("{0}", "", StringComparison.Ordinal));
        Assert.False(Directory.Exists(postgres.DataDirectory), "building the model must not run initdb: that happens when the resource starts");

        var (registry, worker, gateway) = ((ProjectResource)resources["registry"], (ProjectResource)resources["worker"], (ProjectResource)resources["gateway"]);
        Assert.Equal(2, registry.Annotations.OfType<ReplicaAnnotation>().Single().Replicas);
        Assert.Equal(["postgres", "redis"], WaitsFor(registry));
        var registryEnvironment = await EnvironmentOfAsync(registry);
        Assert.Equal("{postgres.connectionString}", registryEnvironment["ConnectionStrings__registry"]);

        // Both consumers get each registry replica's own address through the same discovery file.
        foreach (var consumer in new[] { worker, gateway })
        {
            Assert.Contains(consumer.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource == registry);
            Assert.Contains(registry.Name, WaitsFor(consumer));
        }
    }

    /// <summary>The environment a resource is given, as the manifest would write it (values unresolved).</summary>
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables.ToDictionary(v => v.Key, v => v.Value switch
        {
            string text => text,
            IManifestExpressionProvider expression => expression.ValueExpression,
            var other => other.ToString() ?? "",
        });
    }

    private static string[] WaitsFor(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Distinct().Order().ToArray();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
