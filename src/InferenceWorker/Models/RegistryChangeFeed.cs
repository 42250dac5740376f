using System.Text.Json;
using Maestro.Contracts;
using Maestro.InferenceWorker.Registry;
using Maestro.ServiceDefaults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Follows the registry's change feed so a promotion reaches this worker within seconds: every
/// <see cref="WorkerOptions.RefreshInterval"/> (and at start) it reads <c>GET /api/v1/changes?since=…</c>
/// and has <see cref="ModelRepository"/> re-resolve each loaded model a change names. When
/// <c>ConnectionStrings:redis</c> is set it also subscribes to <see cref="ChangeFeed.Channel"/> on the
/// service's <see cref="RedisConnection"/>, where the registry publishes each change as it commits, and
/// reacts at once; polling stays as the reliable path that
/// catches whatever a lost message missed. A worker further behind than the registry keeps changes
/// (<see cref="ChangePage.BehindWindow"/>: retention pruned some it had not read) re-reads each model
/// it serves instead of missing one. A registry without the feed (404) leaves the repository on
/// its own timer; an unreachable registry changes nothing, and the models loaded keep serving.
/// </summary>
internal sealed partial class RegistryChangeFeed(
    ModelRepository models,
    RegistryClient registry,
    IOptions<WorkerOptions> options,
    RedisConnection redis,
    TimeProvider time,
    ILogger<RegistryChangeFeed> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(ChangeFeed.Channel);

    private const int PageSize = 1000;

    // The last sequence acted on; null until the registry first answers with a feed.
    private long? _since;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscription = SubscribeAsync(stoppingToken);
        try
        {
            using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
            do
            {
                await PollAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            await UnsubscribeAsync(await subscription);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_since is null)
            {
                // Start from the registry's current position; loaded models (normally none yet) are asked once.
                var start = await registry.GetChangesAsync(0, 1, cancellationToken);
                if (!Follow(start))
                {
                    return;
                }

                await RereadServedAsync(cancellationToken);
                _since = start!.LastSequence;
                return;
            }

            while (true)
            {
                var page = await registry.GetChangesAsync(_since.Value, PageSize, cancellationToken);
                if (!Follow(page))
                {
                    return;
                }

                if (page!.BehindWindow)
                {
                    // The registry no longer keeps every change after our position: whatever was missed,
                    // re-reading each served model finds it. Then go on from where the feed stood.
                    LogBehindWindow(logger, _since.Value, page.PrunedThrough);
                    await RereadServedAsync(cancellationToken);
                    _since = page.LastSequence;
                    return;
                }

                foreach (var change in page.Changes)
                {
                    // The position moves only past changes acted on, so a failure is retried next time.
                    await models.OnChangedAsync(change.Model, cancellationToken);
                    _since = change.Sequence;
                }

                if (page.Changes.Count < PageSize)
                {
                    return;
                }
            }
        }
        catch (RegistryUnavailableException ex)
        {
            LogUnreachable(logger, ex.Message);
        }
    }

    /// <summary>Has the repository re-resolve every model it serves (normally none at start).</summary>
    private async Task RereadServedAsync(CancellationToken cancellationToken)
    {
        foreach (var name in models.Loaded.Select(m => m.Name).Distinct())
        {
            await models.OnChangedAsync(name, cancellationToken);
        }
    }

    /// <summary>Whether the registry has a change feed; without one the repository refreshes on its own timer.</summary>
    private bool Follow(ChangePage? page)
    {
        var follows = page is not null;
        if (models.FollowsChangeFeed != follows)
        {
            models.FollowsChangeFeed = follows;
            LogMode(logger, follows ? "following the registry's change feed" : "the registry has no change feed (404); re-asking every refresh interval");
        }

        if (!follows)
        {
            _since = null;
        }

        return follows;
    }

    /// <summary>Subscribes in the background, so an absent Redis never delays polling; <c>null</c> without Redis.</summary>
    private async Task<ISubscriber?> SubscribeAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured)
        {
            return null;
        }

        var subscriber = (await redis.GetMultiplexerAsync()).GetSubscriber();
        try
        {
            // The multiplexer keeps the subscription and subscribes again on its own once Redis is (back) up.
            await subscriber.SubscribeAsync(Channel, (_, message) => OnPublished(message, stoppingToken));
            LogSubscribed(logger, ChangeFeed.Channel);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, ex.Message);
        }

        return subscriber;
    }

    private async Task UnsubscribeAsync(ISubscriber? subscriber)
    {
        try
        {
            if (subscriber is not null)
            {
                await subscriber.UnsubscribeAsync(Channel);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogRedisFailed(logger, ex.Message);
        }
    }

    private void OnPublished(RedisValue message, CancellationToken stoppingToken)
    {
        RegistryChange? change;
        try
        {
            change = JsonSerializer.Deserialize<RegistryChange>((string)message!, RegistryClient.Json);
        }
        catch (JsonException ex)
        {
            LogBadMessage(logger, ex.Message);
            return;
        }

        if (change?.Model is not { Length: > 0 } name)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await models.OnChangedAsync(name, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down.
            }
            catch (RegistryUnavailableException ex)
            {
                // Polling picks the change up once the registry answers again.
                LogUnreachable(logger, ex.Message);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry's change feed no longer keeps changes after {Since} (pruned through {PrunedThrough}): re-reading every served model.")]
    private static partial void LogBehindWindow(ILogger logger, long since, long prunedThrough);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry changes: {Mode}.")]
    private static partial void LogMode(ILogger logger, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry's change feed did not answer; the loaded models keep serving: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to Redis channel {Channel} for registry changes.")]
    private static partial void LogSubscribed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not (un)subscribe to registry changes in Redis; polling until it answers: {Reason}")]
    private static partial void LogRedisFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a registry change message that is not the change JSON: {Reason}")]
    private static partial void LogBadMessage(ILogger logger, string reason);
}
