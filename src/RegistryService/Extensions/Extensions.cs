using System.Text.Json;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Infrastructure.Postgres;
using Maestro.RegistryService.Infrastructure.Sqlite;
using Maestro.RegistryService.ModelCards;
using Maestro.RegistryService.Telemetry;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Extensions;

/// <summary>The registry's wiring: every setting validated at start, every part registered once.</summary>
internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RegistryOptions>(RegistryOptions.SectionName);
        builder.AddValidatedOptions<ModelCardOptions>(ModelCardOptions.SectionName);
        builder.AddValidatedOptions<ChangeFeedRetentionOptions>(ChangeFeedRetentionOptions.SectionName);
        builder.Services.Configure<RedisConnectionOptions>(redis =>
            redis.WhileUnavailable = "registry changes are not published there (GET /api/v1/changes lists them)");

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = null;
        });

        // Uploads are streamed section by section; the body limit is the registry's own setting.
        builder.Services.Configure<FormOptions>(options => options.MultipartBodyLengthLimit = long.MaxValue);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RegistryOptions>>((kestrel, registry) =>
            kestrel.Limits.MaxRequestBodySize = registry.Value.MaxUploadBytes + MultipartOverheadBytes);
        // Received in 64 KiB blocks rather than Kestrel's 4 KiB: a model file is far fewer receive calls.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();

        builder.Services.AddSingleton<RegistryTelemetry>();
        builder.Services.AddSingleton<ArtifactStore>();
        builder.Services.AddRegistryDatabase();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<AuditActor>();
        builder.Services.AddChangePublisher();
        builder.Services.AddSingleton<RegistryWrites>();
        builder.Services.AddSingleton<ModelStore>();
        builder.Services.AddSingleton<VersionStore>();
        builder.Services.AddSingleton<LabelStore>();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<ModelCardStore>();
        builder.Services.AddSingleton<ModelCardFonts>();
        builder.Services.AddSingleton<ModelCardPdfRenderer>();
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddHostedService<ChangeFeedRetention>();
        builder.Services.AddHealthChecks().AddCheck<RegistryStoreHealthCheck>("store");
        builder.Services.AddOpenApi();
    }

    /// <summary>
    /// The database <c>ConnectionStrings:registry</c> names (<see cref="RegistryStorage"/>): PostgreSQL, or
    /// SQLite under the data directory. Opened (and migrated) when the host starts (<see cref="StoreInitializer"/>).
    /// </summary>
    private static void AddRegistryDatabase(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
            RegistryStorage.Parse(provider.GetRequiredService<IConfiguration>().GetConnectionString(RegistryStorage.ConnectionName)));
        services.AddSingleton<IRegistryDatabase>(provider => provider.GetRequiredService<RegistryStorage>() switch
        {
            { Backend: RegistryBackend.PostgreSql, ConnectionString: { } connectionString } => new PostgresRegistryDatabase(connectionString),
            _ => SqliteRegistryDatabase.Create(provider.GetRequiredService<IOptions<RegistryOptions>>()),
        });
    }

    /// <summary>With Redis configured, committed changes are also published there; otherwise they are only listed.</summary>
    private static void AddChangePublisher(this IServiceCollection services) =>
        services.AddSingleton<IChangePublisher>(provider => provider.GetRequiredService<RedisConnection>().IsConfigured
            ? ActivatorUtilities.CreateInstance<RedisChangePublisher>(provider)
            : NoChangePublisher.Instance);

    /// <summary>Room for multipart boundaries and small text fields beside the file itself.</summary>
    private const long MultipartOverheadBytes = 1024 * 1024;
}
