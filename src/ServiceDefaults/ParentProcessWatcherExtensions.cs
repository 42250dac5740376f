using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.ServiceDefaults;

internal static class ParentProcessWatcherExtensions
{
    public static IServiceCollection AddParentProcessWatcher(this IServiceCollection services, IConfiguration configuration)
    {
        if (int.TryParse(configuration[ParentProcessWatcher.ParentPidVariable], out var pid) && pid > 0)
        {
            services.AddHostedService(provider => new ParentProcessWatcher(
                pid,
                provider.GetRequiredService<IHostApplicationLifetime>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<ParentProcessWatcher>>()));
        }

        return services;
    }
}
