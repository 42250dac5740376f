using System.Text.Json;
using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.Telemetry;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Extensions;

/// <summary>The worker's wiring: every setting validated at start, every part registered once.</summary>
internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<WorkerOptions>(WorkerOptions.SectionName);
        builder.AddValidatedOptions<RegistryClientOptions>(RegistryClientOptions.SectionName);
        builder.AddValidatedOptions<BatchingOptions>(BatchingOptions.SectionName);
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, Http2EndpointSetup>();
        builder.Services.Configure<RedisConnectionOptions>(redis =>
            redis.WhileUnavailable = "promotions reach this worker by polling the registry's change feed only");

        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));

        builder.Services.AddHttpClient<RegistryClient>((provider, http) =>
            http.BaseAddress = provider.GetRequiredService<IOptions<RegistryClientOptions>>().Value.RegistryUrl);

        builder.Services.AddSingleton<WorkerTelemetry>();
        builder.Services.AddSingleton<WorkerUptime>();
        builder.Services.AddSingleton<ArtifactCache>();
        builder.Services.AddSingleton<ModelLoader>();
        builder.Services.AddSingleton<MemoryBudget>();
        builder.Services.AddSingleton<ServingNames>();
        builder.Services.AddSingleton<ModelRepository>();
        builder.Services.AddHostedService<RegistryChangeFeed>();
        builder.Services.AddSingleton<ModelBatchers>();
        builder.Services.AddOpenApi();
    }

    /// <summary>
    /// The worker's JSON on top of ASP.NET Core's web defaults: snake_case names, and the predict API's bodies
    /// source-generated first (everything else by whatever resolver <paramref name="options"/> already has).
    /// </summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.TypeInfoResolverChain.Insert(0, PredictJsonContext.Default);
    }
}
