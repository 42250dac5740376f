namespace Maestro.AppHost.Lifecycle;

/// <summary>Follows resource states for as long as the AppHost runs (see <see cref="ResourceWatcherExtensions"/>).</summary>
internal interface IResourceWatcher
{
    Task WatchAsync(CancellationToken stoppingToken);
}
