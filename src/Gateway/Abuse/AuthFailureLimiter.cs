using Maestro.Gateway.Telemetry;
using Maestro.ServiceDefaults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maestro.Gateway.Abuse;

/// <summary>
/// Counts failed authentications per client address and says when one has had too many. With Redis
/// every replica adds to one count (<c>maestro:auth-failures:&lt;address&gt;</c>, one atomic script that
/// increments and starts the window); without it, or when Redis does not answer in time, this
/// instance counts on its own. Checking is local only — no Redis call on a request's way in: a replica
/// learns of a block from Redis at its own next failure from that address, so a brute force spread
/// over N replicas gets at most N - 1 tries past the limit.
/// </summary>
internal sealed partial class AuthFailureLimiter(
    IOptions<AuthFailureLimitOptions> options,
    RedisConnection redis,
    TimeProvider time,
    GatewayTelemetry telemetry,
    ILogger<AuthFailureLimiter> logger)
{
    public const string KeyPrefix = "maestro:auth-failures:";

    /// <summary>KEYS[1] the client's count; ARGV[1] the window in ms. Returns the count and the ms left in its window.</summary>
    internal const string Script = """
        local count = redis.call('INCR', KEYS[1])
        local left = redis.call('PTTL', KEYS[1])
        if count == 1 or left < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          left = tonumber(ARGV[1])
        end
        return { count, left }
        """;

    private readonly AuthFailureLimitOptions _options = options.Value;
    private readonly ClientFailures _clients = new(options.Value.MaxTrackedClients);

    /// <summary>How long <paramref name="client"/> must wait, when it has had too many failures; else <c>null</c>.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var now = time.GetUtcNow();
        return _clients.Find(client, now) is { } entry && entry.Count >= _options.PermitLimit ? entry.Until - now : null;
    }

    /// <summary>Counts one failed authentication of <paramref name="client"/>.</summary>
    public async Task RecordFailureAsync(string client)
    {
        var now = time.GetUtcNow();
        long count;
        if (await CountInRedisAsync(client) is { } shared)
        {
            count = shared.Count;
            _clients.Remember(client, shared.Count, now + shared.Left, now);
        }
        else
        {
            count = _clients.Add(client, now, _options.Window).Count;
        }

        if (count == _options.PermitLimit)
        {
            LogLimitReached(logger, client, count, _options.Window);
        }
    }

    /// <summary>Counts a request refused because its client had too many failures.</summary>
    public void Refused(bool shared) => telemetry.AuthFailureLimited(shared);

    public bool IsShared => redis.Database is not null;

    private async Task<(long Count, TimeSpan Left)?> CountInRedisAsync(string client)
    {
        if (redis.Database is not { } database)
        {
            return null;
        }

        try
        {
            var result = (long[])(await database.ScriptEvaluateAsync(Script, [KeyPrefix + client], [(long)_options.Window.TotalMilliseconds])
                .WaitAsync(_options.RedisTimeout))!;
            return (result[0], TimeSpan.FromMilliseconds(result[1]));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Client {Client} has had {Count} failed authentications within {Window}: its requests with credentials are refused (429) until the window ends.")]
    private static partial void LogLimitReached(ILogger logger, string client, long count, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A failed authentication was counted on this instance only: Redis did not answer ({Error}).")]
    private static partial void LogRedisUnavailable(ILogger logger, string error);
}
