using System.Text.Json;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.ModelCards;
using Maestro.RegistryService.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>()
            .Bind(builder.Configuration.GetSection(RegistryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = null;
        });

        // Uploads are streamed section by section; the body limit is the registry's own setting.
        builder.Services.Configure<FormOptions>(options => options.MultipartBodyLengthLimit = long.MaxValue);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RegistryOptions>>((kestrel, registry) =>
            kestrel.Limits.MaxRequestBodySize = registry.Value.MaxUploadBytes + MultipartOverheadBytes);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RegistryTelemetry>();
        builder.Services.AddSingleton<ArtifactStore>();
        builder.Services.AddSingleton(provider => RegistryDatabase.Create(provider.GetRequiredService<IOptions<RegistryOptions>>()));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<AuditActor>();
        builder.Services.AddChangePublisher(builder.Configuration.GetConnectionString(RedisConnectionName));
        builder.Services.AddSingleton<RegistryStore>();
        builder.Services.AddSingleton<ModelCardStore>();
        builder.Services.AddSingleton<ModelCardFonts>();
        builder.Services.AddSingleton<ModelCardPdfRenderer>();
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddHealthChecks().AddCheck<RegistryStoreHealthCheck>("store");
        builder.Services.AddOpenApi();
    }

    /// <summary>The connection string (<c>ConnectionStrings:redis</c>) change-feed entries are published through.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>With Redis configured, committed changes are also published there; otherwise they are only listed.</summary>
    private static void AddChangePublisher(this IServiceCollection services, string? redis)
    {
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<IChangePublisher>(NoChangePublisher.Instance);
            return;
        }

        services.AddSingleton(provider => new RedisChangePublisher(redis, provider.GetRequiredService<ILogger<RedisChangePublisher>>()));
        services.AddSingleton<IChangePublisher>(provider => provider.GetRequiredService<RedisChangePublisher>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisChangePublisher>());
    }

    /// <summary>Room for multipart boundaries and small text fields beside the file itself.</summary>
    private const long MultipartOverheadBytes = 1024 * 1024;

    public static string ResolveDataDirectory(this IOptions<RegistryOptions> options) =>
        Path.GetFullPath(options.Value.DataDirectory);
}
