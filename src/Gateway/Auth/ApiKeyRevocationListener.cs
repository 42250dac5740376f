using Maestro.ServiceDefaults;
using StackExchange.Redis;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Drops a revoked key from this replica's cache as soon as any replica publishes its revocation, and
/// forgets the whole cache when the Redis connection comes back (notifications may have been missed).
/// </summary>
internal sealed partial class ApiKeyRevocationListener(RedisConnection redis, ApiKeyCache cache, ILogger<ApiKeyRevocationListener> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Multiplexer.ConnectionRestored += OnConnectionRestored;
        try
        {
            await redis.Multiplexer.GetSubscriber().SubscribeAsync(RedisApiKeyStore.RevocationChannel, (_, hash) => cache.Invalidate(hash.ToString()));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The multiplexer subscribes again once connected; until then entries expire on their own.
            LogSubscribeFailed(logger, e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await redis.Multiplexer.GetSubscriber().UnsubscribeAsync(RedisApiKeyStore.RevocationChannel);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, e.Message);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => cache.Clear();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not (un)subscribe to API key revocations ({Reason}); cached keys still expire within seconds.")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
