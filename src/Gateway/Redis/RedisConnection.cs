using StackExchange.Redis;

namespace Maestro.Gateway.Redis;

/// <summary>
/// The gateway's one connection to Redis (<c>ConnectionStrings:redis</c>), shared by quotas and the
/// API key store, opened in the background at start-up and re-opened by StackExchange.Redis whenever Redis comes back. Nothing waits for it: until
/// it is connected, <see cref="Database"/> is <c>null</c> and callers use their fallback. Commands fail
/// at once while disconnected (no backlog). The connection keeps StackExchange.Redis's own timeouts
/// (seconds): set as short as a request's deadline, a busy machine makes it drop healthy connections.
/// Callers put their own, shorter deadline on each command (<see cref="QuotaOptions.RedisTimeout"/>).
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    public const string ConnectionStringName = "redis";

    private readonly Task<ConnectionMultiplexer>? _connecting;

    public RedisConnection(IConfiguration configuration, ILogger<RedisConnection> logger)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            LogNotConfigured(logger);
            return;
        }

        var redis = ConfigurationOptions.Parse(connectionString);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        redis.ReconnectRetryPolicy = new LinearRetry(1000);
        _connecting = ConnectAsync(redis, logger);
    }

    public bool IsConfigured => _connecting is not null;

    /// <summary>The database while connected; <c>null</c> when not configured, still connecting or disconnected.</summary>
    public IDatabase? Database =>
        _connecting is { IsCompletedSuccessfully: true } connecting && connecting.Result.IsConnected ? connecting.Result.GetDatabase() : null;

    /// <summary>
    /// The multiplexer itself, for callers that need more than a database (pub/sub, connection events).
    /// The first use waits until the first connection attempt has ended, connected or not; it keeps
    /// reconnecting on its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">Redis is not configured.</exception>
    public IConnectionMultiplexer Multiplexer =>
        (_connecting ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.")).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_connecting is { IsCompletedSuccessfully: true } connecting)
        {
            await connecting.Result.DisposeAsync();
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions redis, ILogger logger)
    {
        // Off the caller's thread: with AbortOnConnectFail off this returns once the first attempt ends,
        // connected or not, and keeps reconnecting on its own.
        await Task.Yield();
        var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        if (!connection.IsConnected)
        {
            LogNotConnected(logger, string.Join(", ", redis.EndPoints));
        }

        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Redis configured (ConnectionStrings:redis): quotas are counted by each gateway instance alone.")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable yet; until it is, quotas are counted per instance and only API keys already cached are recognised.")]
    private static partial void LogNotConnected(ILogger logger, string endpoints);
}
