using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maestro.ServiceDefaults;

/// <summary>
/// The service's one connection to Redis (<c>ConnectionStrings:redis</c>), shared by everything in it
/// that uses Redis: opened in the background at start-up (<see cref="RedisConnectionStarter"/>) and
/// re-opened by StackExchange.Redis whenever Redis comes back. Nothing waits for it: until it is
/// connected, <see cref="Database"/> is <c>null</c> and callers use their fallback. Commands fail at
/// once while disconnected (no backlog), so a Redis outage never holds up a request. The connection
/// keeps StackExchange.Redis's own timeouts (seconds): set as short as a request's deadline, a busy
/// machine makes it drop healthy connections. Callers put their own, shorter deadline on each command.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    public const string ConnectionStringName = RedisConnectionOptions.ConnectionStringName;

    private readonly Task<ConnectionMultiplexer>? _connecting;
    private readonly List<Action<IConnectionMultiplexer>> _whenOpened = [];
    private ConnectionMultiplexer? _opened;

    public RedisConnection(IOptions<RedisConnectionOptions> options, ILogger<RedisConnection> logger)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            LogNotConfigured(logger);
            return;
        }

        var redis = ConfigurationOptions.Parse(settings.ConnectionString);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        redis.ReconnectRetryPolicy = new LinearRetry(1000);
        _connecting = ConnectAsync(redis, settings.WhileUnavailable, logger);
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
    public IConnectionMultiplexer Multiplexer => GetMultiplexerAsync().GetAwaiter().GetResult();

    /// <summary>The multiplexer once the first connection attempt has ended, connected or not (see <see cref="Multiplexer"/>).</summary>
    /// <exception cref="InvalidOperationException">Redis is not configured.</exception>
    public async Task<IConnectionMultiplexer> GetMultiplexerAsync() =>
        await (_connecting ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set."));

    /// <summary>The multiplexer without waiting: <c>false</c> when not configured or the first attempt is still under way.</summary>
    public bool TryGetMultiplexer(out IConnectionMultiplexer multiplexer)
    {
        if (_connecting is { IsCompletedSuccessfully: true } connecting)
        {
            multiplexer = connecting.Result;
            return true;
        }

        multiplexer = null!;
        return false;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the multiplexer once it exists (at once when it does): before
    /// <see cref="GetMultiplexerAsync"/> completes, so nothing sent through it is missed. Never when
    /// Redis is not configured.
    /// </summary>
    public void WhenOpened(Action<IConnectionMultiplexer> action)
    {
        lock (_whenOpened)
        {
            if (_opened is null)
            {
                _whenOpened.Add(action);
                return;
            }
        }

        action(_opened);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connecting is null)
        {
            return;
        }

        try
        {
            // A first attempt still under way ends within the connect timeout; its multiplexer would
            // otherwise keep reconnecting after the service has stopped.
            await (await _connecting).DisposeAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Nothing was connected.
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions redis, string whileUnavailable, ILogger logger)
    {
        // Off the caller's thread: with AbortOnConnectFail off this returns once the first attempt ends,
        // connected or not, and keeps reconnecting on its own.
        await Task.Yield();
        var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        Action<IConnectionMultiplexer>[] waiting;
        lock (_whenOpened)
        {
            _opened = connection;
            waiting = [.. _whenOpened];
            _whenOpened.Clear();
        }

        foreach (var action in waiting)
        {
            action(connection);
        }
        if (!connection.IsConnected)
        {
            LogNotConnected(logger, string.Join(", ", redis.EndPoints), whileUnavailable);
        }

        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Redis configured (ConnectionStrings:redis): this service runs without it.")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoints} is not reachable yet; until it is, {WhileUnavailable}.")]
    private static partial void LogNotConnected(ILogger logger, string endpoints, string whileUnavailable);
}
