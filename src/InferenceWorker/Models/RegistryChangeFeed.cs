using System.Text.Json;
using Maestro.InferenceWorker.Extensions;
using Maestro.InferenceWorker.Registry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Follows the registry's change feed so a promotion reaches this worker within seconds: every
/// <see cref="WorkerOptions.RefreshInterval"/> (and at start) it reads <c>GET /api/v1/changes?since=…</c>
/// and has <see cref="ModelRepository"/> re-resolve each loaded model a change names. When
/// <c>ConnectionStrings:redis</c> is set it also subscribes to <see cref="Channel"/>, where the registry
/// publishes each change as it commits, and reacts at once; polling stays as the reliable path that
/// catches whatever a lost message missed. A registry without the feed (404) leaves the repository on
/// its own timer; an unreachable registry changes nothing, and the models loaded keep serving.
/// </summary>
internal sealed partial class RegistryChangeFeed(
    ModelRepository models,
    RegistryClient registry,
    IOptions<WorkerOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<RegistryChangeFeed> logger) : BackgroundService
{
    /// <summary>The Redis channel the registry publishes its changes on.</summary>
    public const string Channel = "maestro:registry:changes";

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
            if (await subscription is { } connection)
            {
                await connection.DisposeAsync();
            }
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

                _since = start!.LastSequence;
                foreach (var name in models.Loaded.Select(m => m.Name).Distinct())
                {
                    await models.OnChangedAsync(name, cancellationToken);
                }

                return;
            }

            while (true)
            {
                var page = await registry.GetChangesAsync(_since.Value, PageSize, cancellationToken);
                if (!Follow(page))
                {
                    return;
                }

                foreach (var change in page!.Changes)
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

    /// <summary>Whether the registry has a change feed; without one the repository refreshes on its own timer.</summary>
    private bool Follow(RegistryChangePage? page)
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

    /// <summary>Connects in the background, so an absent Redis never delays polling; <c>null</c> without one.</summary>
    private async Task<ConnectionMultiplexer?> SubscribeAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetConnectionString("redis") is not { Length: > 0 } connectionString)
        {
            return null;
        }

        try
        {
            var redisOptions = ConfigurationOptions.Parse(connectionString);
            redisOptions.AbortOnConnectFail = false;
            var connection = await ConnectionMultiplexer.ConnectAsync(redisOptions);
            // The multiplexer reconnects and subscribes again on its own after Redis comes back.
            await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => OnPublished(message, stoppingToken));
            LogSubscribed(logger, Channel);
            return connection;
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException)
        {
            LogRedisFailed(logger, ex.Message);
            return null;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry changes: {Mode}.")]
    private static partial void LogMode(ILogger logger, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry's change feed did not answer; the loaded models keep serving: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to Redis channel {Channel} for registry changes.")]
    private static partial void LogSubscribed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to registry changes in Redis; polling only: {Reason}")]
    private static partial void LogRedisFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a registry change message that is not the change JSON: {Reason}")]
    private static partial void LogBadMessage(ILogger logger, string reason);
}
