using Maestro.Gateway.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>The per-replica cache: how long a revocation can go unseen, and what happens while the store is down.</summary>
public sealed class ApiKeyCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T08:00:00Z"));
    private readonly ObservedApiKeyStore _store = new(new FileApiKeyStore(dataDirectory: null));
    private readonly ApiKeyCache _cache;

    public ApiKeyCacheTests() => _cache = new ApiKeyCache(_store, Options.Create(new GatewayAuthOptions()), _time, NullLogger<ApiKeyCache>.Instance);

    [Fact]
    public async Task FindAsync_RevokedWithoutNotification_RefusedOnceTheCacheDurationHasPassed()
    {
        var key = await AddAsync();
        Assert.False((await _cache.FindAsync(key.Hash, default))!.IsRevoked);
        await _store.RevokeAsync(key.Id, _time.GetUtcNow(), default);

        _time.Advance(new GatewayAuthOptions().ApiKeyCacheDuration);

        Assert.True((await _cache.FindAsync(key.Hash, default))!.IsRevoked);
    }

    [Fact]
    public async Task FindAsync_RevokedAndInvalidated_RefusedAtOnce()
    {
        var key = await AddAsync();
        await _cache.FindAsync(key.Hash, default);
        await _store.RevokeAsync(key.Id, _time.GetUtcNow(), default);

        _cache.Invalidate(key.Hash);

        Assert.True((await _cache.FindAsync(key.Hash, default))!.IsRevoked);
    }

    [Fact]
    public async Task FindAsync_WithinTheCacheDuration_AsksTheStoreOnce()
    {
        var key = await AddAsync();

        for (var i = 0; i < 100; i++)
        {
            await _cache.FindAsync(key.Hash, default);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(1, _store.Lookups);
    }

    [Fact]
    public async Task FindAsync_StoreDownForAKnownKey_KeepsItsLastStateWithoutAskingEachTime()
    {
        var key = await AddAsync();
        await _cache.FindAsync(key.Hash, default);
        _store.Down = true;
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(key.Id, (await _cache.FindAsync(key.Hash, default))!.Id);
        var lookups = _store.Lookups;
        Assert.Equal(key.Id, (await _cache.FindAsync(key.Hash, default))!.Id);
        Assert.Equal(lookups, _store.Lookups);
    }

    [Fact]
    public async Task FindAsync_StoreDownForAnUnseenKey_Throws()
    {
        _store.Down = true;

        await Assert.ThrowsAsync<ApiKeyStoreUnavailableException>(() => _cache.FindAsync(ApiKeySecret.Hash("mk_unseen"), default).AsTask());
    }

    [Fact]
    public async Task FindAsync_UnknownHash_NullAndRemembered()
    {
        var hash = ApiKeySecret.Hash("mk_unknown");

        Assert.Null(await _cache.FindAsync(hash, default));
        Assert.Null(await _cache.FindAsync(hash, default));
        Assert.Equal(1, _store.Lookups);
    }

    private async Task<ApiKeyRecord> AddAsync()
    {
        var secret = ApiKeySecret.Generate();
        var key = new ApiKeyRecord
        {
            Id = ApiKeySecret.NewId(),
            Hash = ApiKeySecret.Hash(secret),
            Name = "cached",
            Owner = "test",
            Scopes = [Scopes.Predict],
            Plan = "free",
            Created = _time.GetUtcNow(),
        };
        await _store.AddAsync(key, default);
        return key;
    }
}
