using Maestro.ServiceDefaults;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>Wires refresh tokens into the same store as the API keys: Redis when configured, else the data directory's file.</summary>
internal static class RefreshTokenExtensions
{
    public static void AddRefreshTokens(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<RefreshTokens>();
        if (builder.Configuration.GetConnectionString(RedisConnection.ConnectionStringName) is { Length: > 0 })
        {
            services.AddSingleton<IRefreshTokenStore, RedisRefreshTokenStore>();
            return;
        }

        var dataDirectory = builder.Configuration[AuthExtensions.DataDirectorySetting];
        services.AddSingleton<IRefreshTokenStore>(provider => new FileRefreshTokenStore(dataDirectory, provider.GetRequiredService<TimeProvider>()));
    }
}
