using Maestro.Gateway.Quotas;
using StackExchange.Redis;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// The bucket arithmetic, run both by the Lua script in a real redis-server and by the in-memory
/// bucket a gateway falls back to: each case asserts the same decisions from both.
/// </summary>
public sealed class TokenBucketTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    /// <summary>60 per minute: one token per second; bursts of 5.</summary>
    private static readonly QuotaLimit Limit = new("test", 60, 5);

    public static TheoryData<string> Stores => ["redis", "local"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Take_FullBucket_AdmitsTheBurstThenRefusesWithTheWaitForOneToken(string store)
    {
        var take = Taker(store);
        for (var i = 1; i <= 5; i++)
        {
            var decision = await take(Limit, 1, 1_000);
            Assert.True(decision.Allowed);
            Assert.Equal(5 - i, decision.Remaining);
            Assert.Equal(i * 1000, decision.FullAfterMs);
        }

        var refused = await take(Limit, 1, 1_000);
        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(1000, refused.RetryAfterMs);
        Assert.Equal(5000, refused.FullAfterMs);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Take_TimePasses_RefillsExactlyPerMillisecondUpToTheBurst(string store)
    {
        var take = Taker(store);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await take(Limit, 1, 10_000)).Allowed);
        }

        // Half a token after 500 ms: still refused, and the wait is the other half.
        var early = await take(Limit, 1, 10_500);
        Assert.False(early.Allowed);
        Assert.Equal(500, early.RetryAfterMs);

        // Exactly one token after 1,000 ms.
        var onTime = await take(Limit, 1, 11_000);
        Assert.True(onTime.Allowed);
        Assert.Equal(0, onTime.Remaining);
        Assert.False((await take(Limit, 1, 11_000)).Allowed);

        // An hour later the bucket holds the burst, not sixty hours' worth.
        var later = await take(Limit, 1, 11_000 + 3_600_000);
        Assert.True(later.Allowed);
        Assert.Equal(4, later.Remaining);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Take_CostAboveOne_TakesThatManyTokensOrNone(string store)
    {
        var take = Taker(store);
        var three = await take(Limit, 3, 0);
        Assert.True(three.Allowed);
        Assert.Equal(2, three.Remaining);

        // Three more need one more token than the two left: refused, nothing taken, 1 s to wait.
        var refused = await take(Limit, 3, 0);
        Assert.False(refused.Allowed);
        Assert.Equal(2, refused.Remaining);
        Assert.Equal(1000, refused.RetryAfterMs);

        Assert.True((await take(Limit, 2, 0)).Allowed);
        Assert.Equal(0, (await take(Limit, 1, 0)).Remaining);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Take_ClockGoesBack_AddsNothingAndTakesNothingBack(string store)
    {
        var take = Taker(store);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await take(Limit, 1, 50_000)).Allowed);
        }

        // A replica whose clock is 30 s behind: no refill from the difference.
        Assert.False((await take(Limit, 1, 20_000)).Allowed);
        var next = await take(Limit, 1, 51_000);
        Assert.True(next.Allowed);
        Assert.Equal(0, next.Remaining);
    }

    [Fact]
    public async Task Take_ScriptFlushedFromRedis_IsSentAgainAndKeepsCounting()
    {
        var buckets = new RedisTokenBuckets();
        var partition = Guid.NewGuid().ToString("N");
        Assert.True((await buckets.TakeAsync(redis.Database, partition, Limit, 2, 0)).Allowed);

        await redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]).ScriptFlushAsync();

        var after = await buckets.TakeAsync(redis.Database, partition, Limit, 2, 0);
        Assert.True(after.Allowed);
        Assert.Equal(1, after.Remaining);
    }

    [Fact]
    public async Task Take_AllowedRequest_StoresOneHashThatExpiresWhenItWouldBeFull()
    {
        var partition = Guid.NewGuid().ToString("N");
        await new RedisTokenBuckets().TakeAsync(redis.Database, partition, Limit, 2, 0);

        var key = RedisTokenBuckets.KeyFor(partition);
        Assert.Equal(RedisType.Hash, await redis.Database.KeyTypeAsync(key));
        var ttl = await redis.Database.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)); // 2 s to refill, plus 1 s
    }

    private Func<QuotaLimit, long, long, Task<QuotaDecision>> Taker(string store)
    {
        var partition = Guid.NewGuid().ToString("N");
        if (store == "local")
        {
            var bucket = new TokenBucket();
            return (limit, cost, now) => Task.FromResult(bucket.Take(limit, cost, now));
        }

        var buckets = new RedisTokenBuckets();
        return (limit, cost, now) => buckets.TakeAsync(redis.Database, partition, limit, cost, now);
    }
}
