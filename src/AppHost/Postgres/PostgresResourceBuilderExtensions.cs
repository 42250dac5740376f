using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.AppHost.Postgres;

public static class PostgresResourceBuilderExtensions
{
    /// <summary>The name the registry reads its connection string under: <c>ConnectionStrings__registry</c>.</summary>
    public const string RegistryConnectionName = "registry";

    /// <summary>
    /// Adds PostgreSQL for the registry the way this machine can run it (see <see cref="PostgresHostingChoice"/>)
    /// and says which in the console: the machine's own server, or Aspire's <c>AddPostgres</c> container
    /// with a database <c>maestro</c> (always when publishing).
    /// </summary>
    /// <param name="dataDirectory">Where a local server keeps its cluster (<c>&lt;data-dir&gt;/postgres</c>).</param>
    public static IResourceBuilder<IResourceWithConnectionString> AddMaestroPostgres(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var binDirectory = PostgresHostingChoice.FindBinDirectory();
        var (hosting, reason) = PostgresHostingChoice.Choose(
            builder.ExecutionContext.IsPublishMode, binDirectory, PostgresHostingChoice.AnsweringContainerRuntime);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            Console.WriteLine($"PostgreSQL: {hosting.ToString().ToLowerInvariant()} ({reason}).");
        }

        return hosting == PostgresHosting.Executable
            ? builder.AddPostgresServer(name, binDirectory!, dataDirectory)
            : builder.AddPostgres(name).WithDataVolume().AddDatabase($"{name}-{PostgresExecutableResource.DatabaseName}", PostgresExecutableResource.DatabaseName);
    }

    /// <summary>
    /// <c>postgres</c> on a port of its own (allocated, never fixed, so parallel AppHosts do not
    /// collide), listening on loopback only, its cluster made on first start (<see cref="PostgresCluster"/>);
    /// healthy once it answers a query.
    /// </summary>
    public static IResourceBuilder<PostgresExecutableResource> AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, string binDirectory, string dataDirectory)
    {
        var server = PostgresCluster.AsServerUser(Path.Combine(binDirectory, "postgres"));
        var resource = new PostgresExecutableResource(name, server[0], "/", dataDirectory);
        var healthCheck = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PostgresReadyHealthCheck(resource), failureStatus: null, tags: null));

        return builder.AddResource(resource)
            .WithEndpoint(name: PostgresExecutableResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in server.Skip(1))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-p");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var argument in ServerArguments(dataDirectory))
                {
                    context.Args.Add(argument);
                }
            })
            .OnBeforeResourceStarted((_, _, cancellationToken) => PostgresCluster.InitializeAsync(binDirectory, dataDirectory, cancellationToken))
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    /// <summary>The cluster; TCP on loopback only, no unix socket (a deep data directory would make its path too long).</summary>
    internal static IReadOnlyList<string> ServerArguments(string dataDirectory) =>
        ["-D", dataDirectory, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];

    /// <summary>Gives the registry <c>ConnectionStrings__registry</c> and waits for the database — when there is one (<c>--postgres</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithRegistryDatabase(
        this IResourceBuilder<ProjectResource> registry, IResourceBuilder<IResourceWithConnectionString>? database) =>
        database is null ? registry : registry.WithReference(database, connectionName: RegistryConnectionName).WaitFor(database);
}
