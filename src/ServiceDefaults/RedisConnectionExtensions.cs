using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Maestro.ServiceDefaults;

internal static class RedisConnectionExtensions
{
    /// <summary>One <see cref="RedisConnection"/> for the service, configured from <c>ConnectionStrings:redis</c> and checked at start.</summary>
    public static IServiceCollection AddRedisConnection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisConnectionOptions>()
            .Configure(options => options.ConnectionString = configuration.GetConnectionString(RedisConnectionOptions.ConnectionStringName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisConnectionOptions>, RedisConnectionOptionsValidator>());
        services.TryAddSingleton<RedisConnection>();
        services.AddHostedService<RedisConnectionStarter>();
        return services;
    }
}
