using System.Text.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.Seed;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>()
            .Bind(builder.Configuration.GetSection(WorkerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<BatchingOptions>()
            .Bind(builder.Configuration.GetSection(BatchingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // The seed API's bodies first, source-generated; everything else by reflection as before.
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, SeedJsonContext.Default);
        });

        builder.Services.AddHttpClient<RegistryClient>((provider, http) =>
            http.BaseAddress = provider.GetRequiredService<IOptions<WorkerOptions>>().Value.RegistryUrl);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorkerTelemetry>();
        builder.Services.AddSingleton<ModelRepository>();
        builder.Services.AddHostedService<RegistryChangeFeed>();
        builder.Services.AddKeyedSingleton(ModelBatchers.ClockKey, TimeProvider.System);
        builder.Services.AddSingleton<ModelBatchers>();
        builder.Services.AddOpenApi();
    }
}
