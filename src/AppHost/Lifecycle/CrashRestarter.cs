using Microsoft.Extensions.Logging;

namespace Maestro.AppHost.Lifecycle;

/// <summary>Applies <see cref="CrashRestartPolicy"/> to every project and executable of the app model.</summary>
internal sealed partial class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    TimeProvider time,
    ILogger<CrashRestarter> logger) : IResourceWatcher
{
    private readonly CrashRestartPolicy _policy = new(time);

    public async Task WatchAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (change.Resource is not (ProjectResource or ExecutableResource))
                {
                    continue;
                }

                var snapshot = change.Snapshot;
                if (_policy.Observe(change.ResourceId, snapshot.State?.Text, snapshot.ExitCode) is { } backoff)
                {
                    LogCrashed(logger, change.ResourceId, snapshot.ExitCode, backoff.TotalSeconds);
                    _ = RestartAsync(change.ResourceId, backoff, stoppingToken);
                }
        }
    }

    private async Task RestartAsync(string replicaId, TimeSpan backoff, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(backoff, time, stoppingToken);
            var result = await commands.ExecuteCommandAsync(replicaId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                LogRestartFailed(logger, replicaId, result.Message ?? "no reason given");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is InvalidOperationException or DistributedApplicationException)
        {
            LogRestartFailed(logger, replicaId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} exited with code {ExitCode}; starting it again in {Seconds} s.")]
    private static partial void LogCrashed(ILogger logger, string replica, int? exitCode, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Replica} could not be started again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string replica, string reason);
}
