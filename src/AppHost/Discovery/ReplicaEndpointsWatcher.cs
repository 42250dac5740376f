using Maestro.AppHost.Lifecycle;

namespace Maestro.AppHost.Discovery;

/// <summary>Keeps every <see cref="ReplicaEndpoints"/> file in step with its replicas' states.</summary>
internal sealed class ReplicaEndpointsWatcher(IEnumerable<ReplicaEndpoints> files, ResourceNotificationService notifications) : IResourceWatcher
{
    public async Task WatchAsync(CancellationToken stoppingToken)
    {
        var byProject = files.ToDictionary(f => f.Project);
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            if (byProject.TryGetValue(change.Resource, out var file))
            {
                file.Observe(change.ResourceId, change.Snapshot);
            }
        }
    }
}
