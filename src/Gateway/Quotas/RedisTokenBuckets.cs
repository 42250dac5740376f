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
/// <c>EVAL</c>, which caches it for the next calls. A busy caller's tokens are taken a few at a time
/// (<see cref="QuotaLeases"/>); what a lease did not use is handed back on the next call.
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
    /// KEYS[1] the bucket; ARGV capacity units, units per ms (= requests per minute), cost units, now ms,
    /// units wanted ahead (whole tokens), units handed back (a lease's leftover), units per token.
    /// Returns allowed (0/1), units left, ms until the cost is there (0 when allowed), ms until full,
    /// units taken ahead. Ahead, at most 1/64 of what is left is taken, in whole tokens: a caller near
    /// the end of its bucket gets nothing ahead, so the replicas' leases never keep it from its last tokens.
    /// </summary>
    internal const string Script = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local wanted = tonumber(ARGV[5])
        local refund = tonumber(ARGV[6])
        local unit = tonumber(ARGV[7])
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
        units = math.min(units + refund, capacity)
        local allowed = 0
        local wait = 0
        local ahead = 0
        if units >= cost then
          units = units - cost
          allowed = 1
          ahead = math.min(wanted, math.floor(units / 64 / unit) * unit)
          units = units - ahead
        else
          wait = math.ceil((cost - units) / rate)
        end
        if allowed == 1 or refund > 0 then
          redis.call('HSET', KEYS[1], 'u', units, 'ts', stamp)
          redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - units) / rate) + 1000)
        end
        return { allowed, units, wait, math.ceil((capacity - units) / rate), ahead }
        """;

    private static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    public static RedisKey KeyFor(string partition) => KeyPrefix + partition;

    /// <summary>
    /// Takes <paramref name="cost"/> tokens, and up to <paramref name="ahead"/> more for a lease
    /// (<see cref="QuotaDecision.TakenAhead"/>), after handing back <paramref name="refund"/> unused ones.
    /// </summary>
    public async Task<QuotaDecision> TakeAsync(
        IDatabaseAsync database, string partition, QuotaLimit limit, long cost, long nowMs, long ahead = 0, long refund = 0)
    {
        RedisKey[] keys = [KeyFor(partition)];
        RedisValue[] arguments =
        [
            limit.CapacityUnits, limit.RequestsPerMinute, cost * QuotaLimit.UnitsPerToken, nowMs,
            ahead * QuotaLimit.UnitsPerToken, refund * QuotaLimit.UnitsPerToken, QuotaLimit.UnitsPerToken,
        ];
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
        return new QuotaDecision(values[0] == 1, values[1] / QuotaLimit.UnitsPerToken, values[2], values[3], Shared: true,
            TakenAhead: values[4] / QuotaLimit.UnitsPerToken);
    }
}
