using System.Text.Json;
using Maestro.ServiceDefaults;
using StackExchange.Redis;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// Refresh tokens shared by every replica: one Redis hash per token, <c>maestro:refresh-tokens:&lt;hash&gt;</c>
/// (fields <c>record</c> and, once redeemed, <c>used</c>), expiring with the token; a revoked family is
/// the key <c>maestro:refresh-families:revoked:&lt;family&gt;</c>. One Lua script marks a token used
/// and reports whether it already was, so a token is redeemed once even across replicas.
/// </summary>
internal sealed class RedisRefreshTokenStore(RedisConnection redis) : IRefreshTokenStore
{
    public const string TokenPrefix = "maestro:refresh-tokens:";
    public const string RevokedFamilyPrefix = "maestro:refresh-families:revoked:";

    /// <summary>KEYS[1] the token; ARGV[1] now (ms). Returns nil when unknown, else { record, 1 when this is its first use }.</summary>
    internal const string RedeemScript = """
        local record = redis.call('HGET', KEYS[1], 'record')
        if not record then
          return nil
        end
        local first = redis.call('HSETNX', KEYS[1], 'used', ARGV[1])
        return { record, first }
        """;

    private IDatabase Database => redis.Multiplexer.GetDatabase();

    public Task AddAsync(RefreshTokenRecord token, TimeSpan lifetime, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var key = TokenKey(token.Hash);
        var transaction = Database.CreateTransaction();
        _ = transaction.HashSetAsync(key, "record", JsonSerializer.Serialize(token));
        _ = transaction.KeyExpireAsync(key, lifetime);
        await transaction.ExecuteAsync();
        return true;
    });

    public Task<RefreshTokenRedemption?> RedeemAsync(string hash, DateTimeOffset at, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var result = await Database.ScriptEvaluateAsync(RedeemScript, [TokenKey(hash)], [at.ToUnixTimeMilliseconds()]);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        var token = JsonSerializer.Deserialize<RefreshTokenRecord>(parts[0].ToString()) ?? throw new JsonException("A refresh token record is null.");
        return new RefreshTokenRedemption(token, (long)parts[1] == 1);
    });

    public Task RevokeFamilyAsync(string family, TimeSpan lifetime, CancellationToken cancellationToken) => GuardAsync(() =>
        Database.StringSetAsync(RevokedFamilyPrefix + family, 1, lifetime));

    public Task<bool> IsFamilyRevokedAsync(string family, CancellationToken cancellationToken) => GuardAsync(() =>
        Database.KeyExistsAsync(RevokedFamilyPrefix + family));

    private static RedisKey TokenKey(string hash) => TokenPrefix + hash;

    private static async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw new ApiKeyStoreUnavailableException("The API key store (Redis) cannot be reached; retry shortly.", e);
        }
    }
}
