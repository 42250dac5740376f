using System.Text.Json;
using Maestro.ServiceDefaults;
using StackExchange.Redis;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Keys shared by every gateway replica, in three Redis hashes: records by key hash (one <c>HGET</c>
/// finds a presented key), key id → hash, and last-used times by id (written in batches). A revocation
/// is published on <see cref="RevocationChannel"/> (the key's hash) so every replica drops it from its
/// cache at once.
/// </summary>
internal sealed class RedisApiKeyStore(RedisConnection redis) : IApiKeyStore
{
    public static readonly RedisKey RecordsByHash = "maestro:api-keys";
    public static readonly RedisKey HashesById = "maestro:api-keys:ids";
    public static readonly RedisKey LastUsedById = "maestro:api-keys:last-used";
    public static readonly RedisChannel RevocationChannel = RedisChannel.Literal("maestro:api-keys:revoked");

    private IDatabase Database => redis.Multiplexer.GetDatabase();

    public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.HashSetAsync(RecordsByHash, key.Hash, Serialize(key));
        _ = transaction.HashSetAsync(HashesById, key.Id, key.Hash);
        await transaction.ExecuteAsync();
        return true;
    });

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => GuardAsync<IReadOnlyList<ApiKeyRecord>>(async () =>
    {
        var records = Database.HashGetAllAsync(RecordsByHash);
        var lastUsed = Database.HashGetAllAsync(LastUsedById);
        var used = (await lastUsed).ToDictionary(e => e.Name.ToString(), e => DateTimeOffset.FromUnixTimeMilliseconds((long)e.Value));
        return [.. (await records)
            .Select(e => Deserialize(e.Value))
            .Select(k => used.TryGetValue(k.Id, out var at) ? k with { LastUsed = at } : k)
            .OrderBy(k => k.Created)];
    });

    public Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var value = await Database.HashGetAsync(RecordsByHash, hash);
        return value.IsNull ? null : Deserialize(value);
    });

    public Task<string?> FindHashByIdAsync(string id, CancellationToken cancellationToken) => GuardAsync(async () =>
        (string?)await Database.HashGetAsync(HashesById, id));

    public Task<ApiKeyRecord?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var hash = await Database.HashGetAsync(HashesById, id);
        if (hash.IsNull)
        {
            return null;
        }

        var stored = await Database.HashGetAsync(RecordsByHash, hash);
        if (stored.IsNull)
        {
            return null;
        }

        var key = Deserialize(stored);
        if (!key.IsRevoked)
        {
            key = key with { Revoked = at };
            await Database.HashSetAsync(RecordsByHash, hash, Serialize(key));
        }

        await redis.Multiplexer.GetSubscriber().PublishAsync(RevocationChannel, key.Hash);
        return key;
    });

    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await Database.HashSetAsync(LastUsedById, [.. lastUsed.Select(e => new HashEntry(e.Key, e.Value.ToUnixTimeMilliseconds()))]);
        return true;
    });

    private static string Serialize(ApiKeyRecord key) => JsonSerializer.Serialize(key with { LastUsed = null });

    private static ApiKeyRecord Deserialize(RedisValue value) =>
        JsonSerializer.Deserialize<ApiKeyRecord>(value.ToString()) ?? throw new JsonException("An API key record is null.");

    private static async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // ObjectDisposedException: the connection is already closed while the gateway shuts down.
            throw new ApiKeyStoreUnavailableException("The API key store (Redis) cannot be reached; retry shortly.", e);
        }
    }
}
