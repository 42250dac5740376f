using System.Text.Json;
using Maestro.Contracts;
using Maestro.ServiceDefaults;
using StackExchange.Redis;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Publishes each committed change on the Redis channel <see cref="ChangeFeed.Channel"/> through the
/// service's <see cref="RedisConnection"/> (<c>ConnectionStrings:redis</c>), so workers learn of a
/// promotion without waiting for their next poll. A publish is fire-and-forget, and one that cannot be
/// sent (Redis still connecting, or down: the connection fails fast) is logged: the change is stored
/// either way and <c>GET /api/v1/changes</c> lists it.
/// </summary>
internal sealed partial class RedisChangePublisher(RedisConnection redis, ILogger<RedisChangePublisher> logger) : IChangePublisher
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(ChangeFeed.Channel);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The JSON published for a change: the object <c>GET /api/v1/changes</c> lists.</summary>
    public static string Serialize(RegistryChange change) => JsonSerializer.Serialize(change, Json);

    public void Publish(IReadOnlyList<RegistryChange> changes)
    {
        if (!redis.TryGetMultiplexer(out var multiplexer))
        {
            LogNotConnected(logger, changes.Count);
            return;
        }

        foreach (var change in changes)
        {
            try
            {
                multiplexer.GetSubscriber().Publish(Channel, Serialize(change), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                LogPublishFailed(logger, ex, change.Sequence);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not connected yet: {Count} registry change(s) not published (GET /api/v1/changes lists them).")]
    private static partial void LogNotConnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing registry change {Sequence} to Redis failed; GET /api/v1/changes lists it.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long sequence);
}
