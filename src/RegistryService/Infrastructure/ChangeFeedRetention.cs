using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Prunes the change feed in the background on the registry's clock (<see cref="ChangeFeedRetentionOptions"/>):
/// at start and every <see cref="ChangeFeedRetentionOptions.Interval"/>. With several registry
/// processes on one database each prunes; pruning twice deletes nothing more. A failure (the
/// database away for a moment) is logged and retried next time.
/// </summary>
internal sealed partial class ChangeFeedRetention(
    AuditStore audit, IOptions<ChangeFeedRetentionOptions> options, TimeProvider time, ILogger<ChangeFeedRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value;
        using var timer = new PeriodicTimer(retention.Interval, time);
        do
        {
            Prune(retention);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: what is due goes. Returns how many changes went.</summary>
    internal int Prune(ChangeFeedRetentionOptions retention)
    {
        try
        {
            var before = (time.GetUtcNow() - retention.MaxAge).ToUnixTimeMilliseconds();
            var deleted = audit.PruneChanges(before, retention.MaxRows);
            if (deleted > 0)
            {
                LogPruned(logger, deleted, retention.MaxAge, retention.MaxRows);
            }

            return deleted;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            LogPruneFailed(logger, ex);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Change feed retention: deleted {Count} change(s) older than {MaxAge} or beyond the newest {MaxRows}.")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan maxAge, int maxRows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed retention could not prune; trying again at the next interval.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
