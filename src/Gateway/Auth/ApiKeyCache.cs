using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// What this replica knows about presented keys, by hash, for <see cref="GatewayAuthOptions.ApiKeyCacheDuration"/>
/// at most: the hot path costs a dictionary look-up, and the store is asked again once an entry is
/// older. A revocation removes the entry at once (<see cref="Invalidate"/>, driven by the store's
/// notification); the expiry bounds it when a notification is lost. While the store cannot be reached
/// a key seen before keeps its last known state, so an outage of Redis does not lock callers out.
/// </summary>
internal sealed partial class ApiKeyCache
{
    private readonly IApiKeyStore store;
    private readonly IOptions<GatewayAuthOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<ApiKeyCache> logger;

    public ApiKeyCache(IApiKeyStore store, IOptions<GatewayAuthOptions> options, TimeProvider time, ILogger<ApiKeyCache> logger)
    {
        (this.store, this.options, this.time, this.logger) = (store, options, time, logger);
        _entriesBySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Beyond this many entries, unknown hashes are not remembered (a flood of made-up keys cannot grow the cache).</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _entriesBySpan;
    private readonly ConcurrentDictionary<string, string> _hashesById = new(StringComparer.Ordinal);

    /// <summary>The key with this hash (revoked or not) or <c>null</c> when there is none.</summary>
    /// <exception cref="ApiKeyStoreUnavailableException">The store is unreachable and the key was never seen.</exception>
    public ValueTask<ApiKeyRecord?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return _entries.TryGetValue(hash, out var entry) && entry.Expires > now
            ? ValueTask.FromResult(entry.Key)
            : new ValueTask<ApiKeyRecord?>(RefreshAsync(hash, entry, now, cancellationToken));
    }

    /// <summary>
    /// The key with this id (for bearer tokens, whose subject is the key id), or <c>null</c>. An id's
    /// hash never changes, so it is remembered for good; the key's state comes from <see cref="FindAsync"/>.
    /// </summary>
    public async ValueTask<ApiKeyRecord?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        if (!_hashesById.TryGetValue(id, out var hash))
        {
            hash = await store.FindHashByIdAsync(id, cancellationToken);
            if (hash is null)
            {
                return null;
            }

            if (_hashesById.Count < MaxEntries)
            {
                _hashesById[id] = hash;
            }
        }

        return await FindAsync(hash, cancellationToken);
    }

    /// <summary>
    /// The hot path: the principal of a valid key (not revoked) whose fresh entry is cached under
    /// <paramref name="hash"/> (lowercase hex), built once per entry, without allocating. <c>false</c>
    /// when the store has to be asked (unknown, expired or revoked): then <see cref="FindAsync"/> decides.
    /// </summary>
    public bool TryGetPrincipal(ReadOnlySpan<char> hash, Func<ApiKeyRecord, GatewayPrincipal> build, out GatewayPrincipal principal, out string keyId)
    {
        principal = null!;
        keyId = null!;
        if (!_entriesBySpan.TryGetValue(hash, out var entry) || entry.Key is not { IsRevoked: false } key || entry.Expires <= time.GetUtcNow())
        {
            return false;
        }

        principal = entry.Principal ??= build(key);
        keyId = key.Id;
        return true;
    }

    /// <summary>Forgets a key (it was revoked): the next request asks the store.</summary>
    public void Invalidate(string hash) => _entries.TryRemove(hash, out _);

    /// <summary>Forgets everything (notifications may have been missed while disconnected).</summary>
    public void Clear() => _entries.Clear();

    private async Task<ApiKeyRecord?> RefreshAsync(string hash, Entry? previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expires = now + options.Value.ApiKeyCacheDuration;
        ApiKeyRecord? key;
        try
        {
            key = await store.FindByHashAsync(hash, cancellationToken);
        }
        catch (ApiKeyStoreUnavailableException e) when (previous is not null)
        {
            LogStaleServed(logger, previous.Key?.Id ?? "(unknown)", e.InnerException?.Message ?? e.Message);
            _entries[hash] = previous with { Expires = expires };
            return previous.Key;
        }

        if (key is not null || _entries.Count < MaxEntries)
        {
            _entries[hash] = new Entry(key, expires);
        }

        return key;
    }

    private sealed record Entry(ApiKeyRecord? Key, DateTimeOffset Expires)
    {
        /// <summary>The key's principal, built on first use (a benign race builds it twice).</summary>
        public GatewayPrincipal? Principal { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API key store is unreachable ({Reason}); key {KeyId} keeps its last known state until it answers again.")]
    private static partial void LogStaleServed(ILogger logger, string keyId, string reason);
}
