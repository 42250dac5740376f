using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.AppHost.Lifecycle;

internal static class ResourceWatcherExtensions
{
    /// <summary>
    /// Runs <typeparamref name="T"/> from just before the first resource starts until the AppHost
    /// stops. (A hosted service would start only after Aspire's own, which start every resource:
    /// too late to see the first states, and a deadlock for anything a resource's start waits on.)
    /// </summary>
    public static void AddResourceWatcher<T>(this IDistributedApplicationBuilder builder) where T : class, IResourceWatcher
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(T)))
        {
            return;
        }

        builder.Services.TryAddSingleton<T>();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, cancellationToken) =>
        {
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => RunAsync(e.Services.GetRequiredService<T>(), e.Services.GetRequiredService<ILogger<T>>(), stopping), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private static async Task RunAsync(IResourceWatcher watcher, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await watcher.WatchAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Watcher} stopped following the resources.", watcher.GetType().Name);
        }
    }
}
