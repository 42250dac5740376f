using Maestro.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>Wires refresh tokens into the same store as the API keys: Redis when configured, else the data directory's file.</summary>
internal static class RefreshTokenExtensions
{
    /// <summary>The key of the <see cref="TimeProvider"/> that dates refresh tokens: the system clock; tests move it to expire them.</summary>
    public const string ClockKey = "Maestro.RefreshTokens.Clock";

    public static void AddRefreshTokens(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        services.AddSingleton<RefreshTokens>();
        if (builder.Configuration.GetConnectionString(RedisConnection.ConnectionStringName) is { Length: > 0 })
        {
            services.AddSingleton<IRefreshTokenStore, RedisRefreshTokenStore>();
            return;
        }

        var dataDirectory = builder.Configuration[AuthExtensions.DataDirectorySetting];
        services.AddSingleton<IRefreshTokenStore>(provider => new FileRefreshTokenStore(dataDirectory, provider.GetRequiredKeyedService<TimeProvider>(ClockKey)));
    }
}
