using Maestro.AppHost.Hosting;

if (!AppHostOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(AppHostOptions.Usage);
    return error is null ? 0 : 2;
}

var builder = DistributedApplication.CreateBuilder(options);

var redis = builder.AddRedis("redis").WithDataDirectory(builder.DataPath("redis"));

var registry = builder.AddProject("registry", ServiceProject.RegistryService)
    .WithEnvironment(replica => ("Registry__DataDirectory", builder.DataPath("registry")))
    .WithReference(redis);

var workers = builder.AddProject("worker", ServiceProject.InferenceWorker)
    .WithReplicas(options.Workers)
    .WithEnvironment(replica => ("Worker__DataDirectory", builder.DataPath($"worker-{replica}")))
    .WithReference(registry)
    .WithReference(redis)
    .WaitFor(registry);

builder.AddProject("gateway", ServiceProject.Gateway)
    .WithHttpPort(options.Port, publicHost: "localhost")
    .WithEnvironment(replica => ("Gateway__Auth__DevApiKey", builder.DevApiKey))
    .WithEnvironment(replica => ("Gateway__DataDirectory", builder.DataPath("gateway")))
    .WithReference(registry)
    .WithReference(workers)
    .WithReference(redis)
    .WaitFor(registry)
    .WaitFor(workers);

await using var app = builder.Build();
return await app.RunAsync();
