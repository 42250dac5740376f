using System.Diagnostics;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Maestro service shares: telemetry (with spans for Redis commands), health, service discovery, resilient HTTP clients,
/// problem details, its one clock (<see cref="TimeProvider"/>: tests replace it with a fake) and its
/// one Redis connection (<see cref="RedisConnection"/>, when <c>ConnectionStrings:redis</c> is set). A service calls <see cref="AddServiceDefaults{TBuilder}"/> while building and
/// <see cref="MapDefaultEndpoints"/> once built.
/// </summary>
/// <remarks>
/// Endpoints: <c>/health</c> runs every registered check (readiness), <c>/alive</c> only those tagged
/// <c>live</c> (liveness), <c>/metrics</c> serves Prometheus text. Each service's own
/// <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> are picked up when
/// their names start with <c>Maestro.</c>.
/// </remarks>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";
    public const string LiveTag = "live";

    /// <summary>Sources and meters of our own code: every name under this prefix is exported.</summary>
    public const string TelemetryPrefix = "Maestro.";

    /// <summary>
    /// A JSON file of service-discovery configuration (<c>{"services": {"worker": {"http": [...]}}}</c>)
    /// read on top of the rest and again whenever it changes: the AppHost writes one so that the
    /// gateway follows worker replicas as they restart on new ports. Several files are separated by <c>;</c>
    /// (one per replicated service: workers, registry replicas).
    /// </summary>
    public const string DiscoveryFileSetting = "Maestro:DiscoveryFile";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        foreach (var discoveryFile in (builder.Configuration[DiscoveryFileSetting] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(discoveryFile), optional: true, reloadOnChange: true);
        }

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsEnricher.Enrich);

        // A request the framework could not bind (malformed JSON, wrong types) is the client's mistake:
        // answer with its 4xx, in Development too, where minimal APIs throw instead of returning 400.
        // Such a request (a body cut short by a client that went away, one over its size limit) is not
        // logged as an error with its stack trace: it is not this service's fault, and a burst of them
        // would bury the errors that are. Its 4xx still shows in the request metrics.
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
        {
            options.StatusCodeSelector = exception =>
                exception is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError;
            options.SuppressDiagnosticsCallback = context =>
                context.ExceptionHandledBy == Microsoft.AspNetCore.Diagnostics.ExceptionHandledType.ExceptionHandlerService // the default
                || context.Exception is BadHttpRequestException { StatusCode: >= 400 and < 500 };
        });
        builder.Services.AddExceptionHandler<UnreadableCharsetHandler>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddRedisConnection(builder.Configuration);
        builder.Services.AddParentProcessWatcher(builder.Configuration);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                // ASP.NET Core's own meters, named rather than through AddAspNetCoreInstrumentation(), which also puts
                // a middleware in front of every request (to tag handled exceptions' metrics) at an allocation per request.
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.Routing")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("System.Net.Http")
                .AddMeter(TelemetryPrefix + "*")
                // Counted on every request, read by nobody: which route matched, and Kestrel's buffer pool.
                .AddView("aspnetcore.routing.match_attempts", MetricStreamConfiguration.Drop)
                .AddView("aspnetcore.memory_pool.*", MetricStreamConfiguration.Drop)
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => SampleTraces(tracing, builder.Configuration))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + "*")
                .AddRedisConnectionInstrumentation()
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsUntracedPath(context.Request.Path))
                .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = request =>
                    request.RequestUri is not { } uri || !IsUntracedPath(new PathString(uri.AbsolutePath))));

        builder.AddValidatedOptions<TraceSamplingOptions>(TraceSamplingOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Parent-based sampling as <see cref="TraceSamplingOptions"/> says, unless the standard
    /// <c>OTEL_TRACES_SAMPLER</c> is set: then OpenTelemetry's own reading of it decides.
    /// </summary>
    private static void SampleTraces(TracerProviderBuilder tracing, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]))
        {
            tracing.SetSampler(services => new ParentBasedSampler(new TraceSampler(
                services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TraceSamplingOptions>>().Value,
                services.GetService<TimeProvider>() ?? TimeProvider.System)));
        }
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <param name="app">The application.</param>
    /// <param name="configureMetrics">Conventions for <c>/metrics</c>, e.g. the authorization a gateway requires.</param>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, Action<IEndpointConventionBuilder>? configureMetrics = null)
    {
        // Probes stay anonymous where a service requires callers (the gateway): orchestrators call them.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .DisableHttpMetrics().AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics().AllowAnonymous();
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsEndpointPath).DisableHttpMetrics();
        configureMetrics?.Invoke(metrics);
        return app;
    }

    /// <summary>
    /// What runs every few seconds whatever the traffic — probes, scrapes and the workers' poll of the
    /// registry's change feed (<c>/api/v1/changes</c>) — is not traced, on either side of the call, so
    /// the dashboard's traces are the requests people make.
    /// </summary>
    public static bool IsUntracedPath(PathString path) =>
        IsInfrastructurePath(path) || path.StartsWithSegments("/api/v1/changes");

    /// <summary>Health and metrics probes: served, but neither traced nor counted as traffic.</summary>
    public static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments(MetricsEndpointPath);
}
