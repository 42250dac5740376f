using System.Text.Json;
using Maestro.RegistryService.Model;
using StackExchange.Redis;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Publishes each committed change on the Redis channel <see cref="Channel"/> (<c>ConnectionStrings:redis</c>),
/// so workers learn of a promotion without waiting for their next poll. Connects in the background
/// and keeps reconnecting (<c>abortConnect=false</c>); a publish is fire-and-forget, and one that
/// cannot be sent is logged: the change is stored either way and <c>GET /api/v1/changes</c> lists it.
/// </summary>
internal sealed partial class RedisChangePublisher : IChangePublisher, IHostedService, IAsyncDisposable
{
    public const string Channel = "maestro:registry:changes";

    private static readonly RedisChannel RedisChannel = RedisChannel.Literal(Channel);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisChangePublisher> _logger;
    private ConnectionMultiplexer? _redis;

    public RedisChangePublisher(string connectionString, ILogger<RedisChangePublisher> logger)
    {
        _configuration = ConfigurationOptions.Parse(connectionString);
        _configuration.AbortOnConnectFail = false;
        _logger = logger;
    }

    /// <summary>The JSON published for a change: the object <c>GET /api/v1/changes</c> lists.</summary>
    public static string Serialize(RegistryChange change) => JsonSerializer.Serialize(change, Json);

    public void Publish(IReadOnlyList<RegistryChange> changes)
    {
        if (Volatile.Read(ref _redis) is not { } redis)
        {
            LogNotConnected(_logger, changes.Count);
            return;
        }

        foreach (var change in changes)
        {
            try
            {
                redis.GetSubscriber().Publish(RedisChannel, Serialize(change), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                LogPublishFailed(_logger, ex, change.Sequence);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = ConnectAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _redis, null) is { } redis)
        {
            await redis.DisposeAsync();
        }
    }

    private async Task ConnectAsync()
    {
        try
        {
            // With abortConnect=false this returns even while Redis is down, and reconnects by itself.
            Volatile.Write(ref _redis, await ConnectionMultiplexer.ConnectAsync(_configuration));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogConnectFailed(_logger, ex, _configuration.ToString(includePassword: false));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not connected yet: {Count} registry change(s) not published (GET /api/v1/changes lists them).")]
    private static partial void LogNotConnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing registry change {Sequence} to Redis failed; GET /api/v1/changes lists it.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot connect to Redis ({Configuration}); registry changes are not published, GET /api/v1/changes lists them.")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string configuration);
}
