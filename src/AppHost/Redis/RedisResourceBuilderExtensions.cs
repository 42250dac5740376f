using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.AppHost.Redis;

public static class RedisResourceBuilderExtensions
{
    /// <summary>
    /// Adds Redis the way this machine can run it (see <see cref="RedisHostingChoice"/>) and says which
    /// in the console. Returns <c>null</c> when there is none; <see cref="WithRedis{T}"/> then adds nothing.
    /// </summary>
    /// <param name="dataDirectory">Where a local redis-server appends every write, so API keys survive a restart.</param>
    public static IResourceBuilder<IResourceWithConnectionString>? AddMaestroRedis(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var redisServer = RedisHostingChoice.FindOnPath("redis-server");
        var (hosting, reason) = RedisHostingChoice.Choose(
            builder.ExecutionContext.IsPublishMode, builder.Configuration[RedisHostingChoice.Setting], redisServer,
            RedisHostingChoice.AnsweringContainerRuntime);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            Console.WriteLine($"Redis: {hosting.ToString().ToLowerInvariant()} ({reason}).");
        }

        return hosting switch
        {
            RedisHosting.Container => builder.AddRedis(name),
            RedisHosting.Executable => builder.AddRedisServer(name, redisServer!, dataDirectory),
            _ => null,
        };
    }

    /// <summary>
    /// <c>redis-server</c> on a port of its own (allocated, never fixed, so parallel AppHosts do not
    /// collide), bound to loopback, appending to <paramref name="dataDirectory"/>; healthy once it
    /// answers PING.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(
        this IDistributedApplicationBuilder builder, string name, string command, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var resource = new RedisServerResource(name, command, dataDirectory);
        var healthCheck = $"{name}-ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new RedisPingHealthCheck(resource.Endpoint), failureStatus: null, tags: null));

        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var argument in RedisServerArguments(dataDirectory))
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>Loopback only, no RDB snapshots, an append-only file flushed every second.</summary>
    internal static IReadOnlyList<string> RedisServerArguments(string dataDirectory) =>
        ["--bind", "127.0.0.1", "--protected-mode", "yes", "--save", "", "--dir", dataDirectory,
         "--appendonly", "yes", "--appendfsync", "everysec"];

    /// <summary>Gives the resource <c>ConnectionStrings__redis</c> and waits for Redis — when there is one.</summary>
    public static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString>? redis)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        if (redis is null)
        {
            return builder;
        }

        return builder.WithReference(redis, connectionName: "redis").WaitFor(redis);
    }
}
