using Maestro.AppHost.Hosting;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Hosting;

/// <summary>The Aspire environment conventions each service is started with.</summary>
public sealed class ProjectResourceTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("apphost");

    [Fact]
    public void CreateStartInfo_Gateway_GetsEveryReferenceThroughDiscoveryVariables()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { DataDirectory = _directory, Port = 18123 });
        var redis = builder.AddRedis("redis");
        var registry = builder.AddProject("registry", ServiceProject.RegistryService);
        var workers = builder.AddProject("worker", ServiceProject.InferenceWorker).WithReplicas(2).WithReference(registry)
            .WithEnvironment(replica => ("Worker__DataDirectory", builder.DataPath($"worker-{replica}")));
        var gateway = builder.AddProject("gateway", ServiceProject.Gateway).WithHttpPort(18123, publicHost: "localhost")
            .WithReference(registry).WithReference(workers).WithReference(redis)
            .WithEnvironment(_ => ("Gateway__Auth__DevApiKey", builder.DevApiKey));
        builder.Build();

        var env = gateway.CreateStartInfo(gateway.Replicas[0]).Environment;

        Assert.Equal("http://localhost:18123", env["ASPNETCORE_URLS"]);
        Assert.Equal("gateway", env["OTEL_SERVICE_NAME"]);
        Assert.Equal(registry.Replicas[0].Url, env["services__registry__http__0"]);
        Assert.Equal(workers.Replicas[0].Url, env["services__worker__http__0"]);
        Assert.Equal(workers.Replicas[1].Url, env["services__worker__http__1"]);
        Assert.NotEqual(env["services__worker__http__0"], env["services__worker__http__1"]);
        Assert.Equal(Environment.ProcessId.ToString(), env["MAESTRO_PARENT_PID"]);
        Assert.Equal(builder.DevApiKey, env["Gateway__Auth__DevApiKey"]);
        if (redis.IsAvailable)
        {
            Assert.Equal($"127.0.0.1:{redis.Replicas[0].Port}", env["ConnectionStrings__redis"]);
        }
        else
        {
            Assert.False(env.ContainsKey("ConnectionStrings__redis"));
        }

        Assert.EndsWith(Path.Combine("src", "Gateway", "bin"), Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(ServiceProject.Gateway.AssemblyPath)))!);
    }

    [Fact]
    public void CreateStartInfo_WorkerReplicas_ShareServiceNameButNotInstanceOrDataDirectory()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { DataDirectory = _directory });
        var registry = builder.AddProject("registry", ServiceProject.RegistryService);
        var workers = builder.AddProject("worker", ServiceProject.InferenceWorker).WithReplicas(2).WithReference(registry)
            .WithEnvironment(replica => ("Worker__DataDirectory", builder.DataPath($"worker-{replica}")));
        builder.Build();

        var first = workers.CreateStartInfo(workers.Replicas[0]).Environment;
        var second = workers.CreateStartInfo(workers.Replicas[1]).Environment;

        Assert.Equal("worker", first["OTEL_SERVICE_NAME"]);
        Assert.Equal("worker", second["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=worker-0", first["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("service.instance.id=worker-1", second["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(first["Worker__DataDirectory"], second["Worker__DataDirectory"]);
        Assert.StartsWith("http://127.0.0.1:", first["ASPNETCORE_URLS"]);
        Assert.Equal(registry.Replicas[0].Url, first["services__registry__http__0"]);
        Assert.Equal(["worker-0", "worker-1"], workers.Replicas.Select(r => r.Name));
    }

    [Fact]
    public void AddProject_SameNameTwice_IsRefused()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { DataDirectory = _directory });
        builder.AddProject("registry", ServiceProject.RegistryService);

        Assert.Throws<InvalidOperationException>(() => builder.AddProject("registry", ServiceProject.RegistryService));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
