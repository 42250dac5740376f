using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// The buckets every gateway replica shares: one Redis hash per partition
/// (<c>maestro:quota:&lt;key id&gt;</c>, fields <c>u</c> units and <c>ts</c> milliseconds), read,
/// refilled and taken from by one Lua script, so concurrent requests on any replica never both spend
/// the same token. The script is sent once and then run by its SHA-1 (<c>EVALSHA</c>); when Redis
/// does not know it (<c>NOSCRIPT</c>: first use, a restart, <c>SCRIPT FLUSH</c>) it is sent again with
/// <c>EVAL</c>, which caches it for the next calls.
/// </summary>
/// <remarks>
/// The time comes from the gateway (its quota clock), not from Redis, so tests can hold it still. A
/// replica whose clock is behind never takes the bucket back in time: the stored stamp only moves
/// forward. A bucket nobody uses expires once it would be full anyway.
/// </remarks>
internal sealed class RedisTokenBuckets
{
    public const string KeyPrefix = "maestro:quota:";

    /// <summary>
    /// KEYS[1] the bucket; ARGV capacity units, units per ms (= requests per minute), cost units, now ms.
    /// Returns allowed (0/1), units left, ms until the cost is there (0 when allowed), ms until full.
    /// </summary>
    internal const string Script = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local state = redis.call('HMGET', KEYS[1], 'u', 'ts')
        local units = tonumber(state[1])
        local stamp = tonumber(state[2])
        if units == nil or stamp == nil then
          units = capacity
          stamp = now
        end
        if now > stamp then
          local elapsed = now - stamp
          if elapsed >= math.ceil((capacity - math.min(units, capacity)) / rate) then
            units = capacity
          else
            units = units + elapsed * rate
          end
          stamp = now
        end
        units = math.min(units, capacity)
        local allowed = 0
        local wait = 0
        if units >= cost then
          units = units - cost
          allowed = 1
          redis.call('HSET', KEYS[1], 'u', units, 'ts', stamp)
          redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - units) / rate) + 1000)
        else
          wait = math.ceil((cost - units) / rate)
        end
        return { allowed, units, wait, math.ceil((capacity - units) / rate) }
        """;

    private static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    public static RedisKey KeyFor(string partition) => KeyPrefix + partition;

    public async Task<QuotaDecision> TakeAsync(IDatabaseAsync database, string partition, QuotaLimit limit, long cost, long nowMs)
    {
        RedisKey[] keys = [KeyFor(partition)];
        RedisValue[] arguments = [limit.CapacityUnits, limit.RequestsPerMinute, cost * QuotaLimit.UnitsPerToken, nowMs];
        RedisResult result;
        try
        {
            result = await database.ScriptEvaluateAsync(ScriptHash, keys, arguments);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            result = await database.ScriptEvaluateAsync(Script, keys, arguments);
        }

        var values = (long[])result!;
        return new QuotaDecision(values[0] == 1, values[1] / QuotaLimit.UnitsPerToken, values[2], values[3], Shared: true);
    }
}
