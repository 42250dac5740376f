using Maestro.Gateway.Abuse;
using Maestro.Gateway.Audit;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Health;
using Maestro.Gateway.OpenApi;
using Maestro.Gateway.Quotas;
using Maestro.Gateway.Resilience;
using Maestro.Gateway.Routing;
using Maestro.Gateway.Telemetry;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpenTelemetry.Metrics;
using Yarp.ReverseProxy.Configuration;

namespace Maestro.Gateway.Extensions;

internal static class Extensions
{
    public const string CorsPolicy = "gateway";

    public static void AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayTelemetry>();

        // Each hop to a service is measured once, by the gateway's own upstream histogram (per cluster and
        // outcome): HttpClient's per-request instruments would measure every forwarded request again.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddView("http.client.request.duration", MetricStreamConfiguration.Drop)
            .AddView("http.client.active_requests", MetricStreamConfiguration.Drop)
            .AddView("http.client.request.time_in_queue", MetricStreamConfiguration.Drop)
            .AddView("http.client.open_connections", MetricStreamConfiguration.Drop));
        builder.Services.Configure<RedisConnectionOptions>(redis =>
            redis.WhileUnavailable = "quotas are counted per instance and only API keys already cached are recognised");
        builder.AddGatewayAuth();
        builder.AddTrustedProxies();
        builder.AddAuthFailureLimit();
        builder.AddAuditLog();

        builder.Services.AddSingleton<UpstreamRetry>();
        builder.Services.AddSingleton<UpstreamLatency>();
        builder.AddQuotas();
        builder.Services.AddSingleton<BodyLimits>();
        builder.Services.AddSingleton<UnreadBodies>();
        builder.AddValidatedOptions<GatewayLimitsOptions>(GatewayLimitsOptions.SectionName);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.DefaultBodyBytes);

        // Browsers may call the API from the origins listed under Gateway:Cors:AllowedOrigins (none by default).
        builder.AddValidatedOptions<GatewayCorsOptions>(GatewayCorsOptions.SectionName);
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<GatewayCorsOptions>>((cors, gateway) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(gateway.Value.AllowedOrigins)
            .WithHeaders(ApiKeyOptions.HeaderName, "Authorization", "Content-Type", ProblemDetailsEnricher.RequestIdHeader)
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
            .WithExposedHeaders(ProblemDetailsEnricher.RequestIdHeader, "Retry-After", "RateLimit", "RateLimit-Policy")));

        // The routes and clusters in memory, each destination probed as Gateway:Routing says.
        builder.AddValidatedOptions<GatewayRoutingOptions>(GatewayRoutingOptions.SectionName);
        builder.Services.AddReverseProxy()
            .AddTransforms(CallerForwarding.Apply)
            // http://worker → one destination per endpoint discovery knows (services__worker__http__N), re-resolved when they change.
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddSingleton(provider => new InMemoryConfigProvider(
            GatewayRoutes.Routes, GatewayRoutes.Clusters(provider.GetRequiredService<IOptions<GatewayRoutingOptions>>().Value)));
        builder.Services.AddSingleton<IProxyConfigProvider>(provider => provider.GetRequiredService<InMemoryConfigProvider>());

        // GET /health reports each dependency, as the registry report's health endpoint does.
        builder.Services.AddHealthChecks()
            .Add(ClusterCheck(GatewayRoutes.RegistryCluster))
            .Add(ClusterCheck(GatewayRoutes.WorkerCluster))
            .AddCheck<RedisHealthCheck>(RedisConnection.ConnectionStringName);

        builder.AddGatewayOpenApi();
    }

    private static HealthCheckRegistration ClusterCheck(string cluster) => new(
        cluster,
        provider => new ClusterHealthCheck(provider.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>(), cluster),
        failureStatus: HealthStatus.Degraded,
        tags: null);

    /// <summary>First in the pipeline, so every answer the gateway gives without reading a body keeps its connection (<see cref="UnreadBodies"/>).</summary>
    public static void UseUnreadBodies(this WebApplication app)
    {
        var unread = app.Services.GetRequiredService<UnreadBodies>();
        app.Use((HttpContext context, RequestDelegate next) => unread.InvokeAsync(context, next));
    }

    /// <summary>
    /// Answers CORS preflights before authentication, for the configured origins only. Only browsers send
    /// <c>Origin</c>: other requests skip the CORS middleware (which resolves its policy provider from the
    /// request's services each time), and without configured origins it is not in the pipeline at all.
    /// </summary>
    public static void UseGatewayCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GatewayCorsOptions>>().Value.AllowedOrigins.Length > 0)
        {
            app.UseWhen(context => context.Request.Headers.ContainsKey(HeaderNames.Origin), branch => branch.UseCors(CorsPolicy));
        }
    }

    /// <summary>
    /// The proxy pipeline: body limits, then a retry around YARP's own load balancing and passive health
    /// steps, then the upstream timer around each forwarding attempt.
    /// </summary>
    public static void MapGatewayProxy(this WebApplication app)
    {
        var retry = app.Services.GetRequiredService<UpstreamRetry>();
        var limits = app.Services.GetRequiredService<BodyLimits>();
        var latency = app.Services.GetRequiredService<UpstreamLatency>();
        app.MapReverseProxy(proxy =>
        {
            // Each step is handed the next as a RequestDelegate, bound once: nothing is allocated per request to chain them.
            proxy.Use((HttpContext context, RequestDelegate next) => limits.InvokeAsync(context, next));
            proxy.Use((HttpContext context, RequestDelegate next) => retry.InvokeAsync(context, next));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
            proxy.Use((HttpContext context, RequestDelegate next) => latency.InvokeAsync(context, next));
        });
    }
}
