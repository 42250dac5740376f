using System.Reflection;

namespace Maestro.AppHost.Configuration;

public static class ServiceDefaultsExtensions
{
    private const string TracesSampler = "OTEL_TRACES_SAMPLER";

    /// <summary>The repository this AppHost was built from (for samples/models).</summary>
    public static string RepositoryRoot { get; } = typeof(ServiceDefaultsExtensions).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Maestro.RepoRoot").Value!;

    /// <summary>
    /// What every Maestro service gets locally: Development settings, one-line console logs (the
    /// dashboard's console view reads better), workstation GC (four services share a laptop), its
    /// readiness probe <c>/health</c> as the resource's health, the AppHost's process id so that a
    /// service outlives neither an AppHost killed without warning, and a 1 s OTLP export timeout: the
    /// dashboard is local, and when everything stops at once (Ctrl+C) a service's last export to a
    /// dashboard already gone would otherwise hold its exit for the exporter's default 10 s.
    /// Aspire also asks every project to record every span (<c>OTEL_TRACES_SAMPLER=always_on</c>), which
    /// would set aside the services' own sampling and, under load, have each service export a trace per
    /// request that the dashboard then spends a third of a core ingesting; that setting is taken out
    /// again, so the services sample as they do anywhere (<c>Telemetry:Traces</c>). Set
    /// <c>OTEL_TRACES_SAMPLER</c> in the AppHost's own environment to choose a sampler for every service.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMaestroDefaults(this IResourceBuilder<ProjectResource> builder)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            var sampler = builder.ApplicationBuilder.Configuration[TracesSampler];
            builder
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
                .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
                .WithEnvironment("MAESTRO_PARENT_PID", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithEnvironment("Logging__Console__FormatterName", "simple")
                .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true")
                .WithEnvironment("Logging__Console__FormatterOptions__ColorBehavior", "Disabled")
                .WithEnvironment("DOTNET_gcServer", "0")
                .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
                .WithEnvironment(context =>
                {
                    // Runs after Aspire's own OTLP settings (added with the project), so it has the last word.
                    if (string.IsNullOrWhiteSpace(sampler))
                    {
                        context.EnvironmentVariables.Remove(TracesSampler);
                    }
                    else
                    {
                        context.EnvironmentVariables[TracesSampler] = sampler;
                    }
                });
        }

        // On the http endpoint: a worker's h2c endpoint speaks HTTP/2 only.
        return builder.WithHttpHealthCheck("/health", endpointName: "http");
    }

    /// <summary>
    /// For the services on the request path (gateway, workers): socket completions run on the thread
    /// that polls the sockets rather than being handed to the thread pool, which saves a thread hop per
    /// read of every proxied request and answer. Their code on that path never blocks. Set wherever they
    /// run (their images and the Kubernetes manifests carry it too); the variable is the runtime's own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRequestPathTuning(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(InlineSocketCompletions, "1");

    /// <summary>The .NET runtime's switch for running socket continuations inline (read once, at the first socket).</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Where the service keeps its files on this machine (<c>--data-dir</c>). Not part of a published
    /// manifest: a container's data directory is its image's and its volume's business.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectory(this IResourceBuilder<ProjectResource> builder, string variable, string path) =>
        builder.ApplicationBuilder.ExecutionContext.IsRunMode ? builder.WithEnvironment(variable, path) : builder;
}
