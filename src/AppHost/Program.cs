using System.Diagnostics;
using Maestro.AppHost.Configuration;
using Maestro.AppHost.Discovery;
using Maestro.AppHost.Lifecycle;
using Maestro.AppHost.Postgres;
using Maestro.AppHost.Redis;
using Maestro.AppHost.Seeding;

var startedAt = Stopwatch.GetTimestamp();
if (!AppHostOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(AppHostOptions.Usage);
    return error is null ? 0 : 2;
}

if (!options.Publishing && new[] { options.Port, options.DashboardPort }.FirstOrDefault(port => !LocalDashboard.IsFree(port)) is var busy and > 0)
{
    Console.Error.WriteLine($"Port {busy} is already in use. Stop what uses it, or choose another with --port / --dashboard-port.");
    return 1;
}

var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
{
    Args = options.Publishing ? [.. options.AspireArguments] : LocalDashboard.Configuration(options),
    EnableResourceLogging = true,
});
builder.AddResourceWatcher<CrashRestarter>();

var devApiKey = builder.AddDevApiKey(options, out var key);
var redis = builder.AddMaestroRedis("redis", options.DataPath("redis"));

var database = options.Postgres ? builder.AddMaestroPostgres("postgres", options.DataPath("postgres")) : null;

// Replicas share the PostgreSQL database and the artifact directory; consumers reach each one (WithRegistry).
var registry = builder.AddProject<Projects.RegistryService>("registry")
    .WithRegistryReplicas(options.RegistryReplicas)
    .WithMaestroDefaults()
    .WithDataDirectory("Registry__DataDirectory", options.DataPath("registry"))
    .WithRegistryDatabase(database)
    .WithRedis(redis);
var registryDiscovery = options.DataPath("discovery/registry.json");

var workers = builder.AddProject<Projects.InferenceWorker>("worker")
    .WithReplicas(options.Workers)
    .WithHttpEndpoint(name: "http")
    .WithHttp2Endpoint()
    .WithMaestroDefaults()
    .WithRequestPathTuning()
    .WithDataDirectory("Worker__DataDirectory", options.DataPath("worker"))
    .WithRegistry(registry, options.RegistryReplicas, registryDiscovery)
    .WaitFor(registry)
    .WithRedis(redis);

builder.AddProject<Projects.Gateway>("gateway")
    .WithHttpEndpoint(port: options.Port, name: "http", isProxied: false)
    .WithExternalHttpEndpoints()
    .WithMaestroDefaults()
    .WithRequestPathTuning()
    .WithEnvironment("Gateway__Auth__DevApiKey", devApiKey)
    .WithDataDirectory("Gateway__DataDirectory", options.DataPath("gateway"))
    .WithRegistry(registry, options.RegistryReplicas, registryDiscovery)
    .WithReplicaReference(workers, options.DataPath("gateway/discovery.json"), http2: true)
    .WithWorkersOverHttp2()
    .WithRedis(redis)
    .WaitFor(registry)
    .WaitFor(workers)
    .AnnounceWhenReady(options, key, Path.Combine(ServiceDefaultsExtensions.RepositoryRoot, "samples", "models"), startedAt);

await builder.Build().RunAsync();
if (!options.Publishing)
{
    Console.WriteLine("Every resource is stopped.");
}

return 0;
