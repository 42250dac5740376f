using System.Text.Json;
using Maestro.Gateway.Auth;
using Maestro.ServiceDefaults;
using StackExchange.Redis;

namespace Maestro.Gateway.Audit;

/// <summary>
/// The trail in Redis: a sorted set of events as JSON scored by id (<c>maestro:audit</c>), ids from one
/// counter (<c>maestro:audit:id</c>), both written by one script so the order is the order of writes on
/// every replica. Failures surface as <see cref="ApiKeyStoreUnavailableException"/> (503), like the keys'.
/// </summary>
internal sealed class RedisAuditLog(RedisConnection redis) : IAuditLog
{
    public static readonly RedisKey Events = "maestro:audit";
    public static readonly RedisKey Ids = "maestro:audit:id";

    /// <summary>KEYS events, ids; ARGV the event's JSON (starting <c>{"id":0,</c>) and how many to keep. Returns the id given.</summary>
    private const string Script = """
        local id = redis.call('INCR', KEYS[2])
        local json = string.gsub(ARGV[1], '^{"id":0,', '{"id":' .. id .. ',', 1)
        redis.call('ZADD', KEYS[1], id, json)
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[2]) + 1))
        return id
        """;

    public async Task RecordAsync(AuditEvent audit, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(audit with { Id = 0 });
        await GuardAsync(() => Database.ScriptEvaluateAsync(Script, [Events, Ids], [json, IAuditLog.MaxEvents]));
    }

    public async Task<IReadOnlyList<AuditEvent>> ListAsync(int limit, long? before, CancellationToken cancellationToken)
    {
        var values = await GuardAsync(() => Database.SortedSetRangeByScoreAsync(
            Events, double.NegativeInfinity, before is { } id ? id : double.PositiveInfinity, Exclude.Stop, Order.Descending, 0, limit));
        return [.. values.Select(value => JsonSerializer.Deserialize<AuditEvent>(value.ToString())!)];
    }

    private IDatabase Database => redis.Multiplexer.GetDatabase();

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw new ApiKeyStoreUnavailableException("The audit trail (Redis) cannot be reached; retry shortly.", exception);
        }
    }
}
