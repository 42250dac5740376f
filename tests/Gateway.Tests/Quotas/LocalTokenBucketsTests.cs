using Maestro.Gateway.Quotas;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>The fallback buckets forget callers gone quiet, without changing any decision.</summary>
public sealed class LocalTokenBucketsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(3));

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void Take_ThousandCallersThenQuiet_BucketsThatWouldBeFullAreForgotten()
    {
        var buckets = new LocalTokenBuckets();
        var limit = new QuotaLimit("test", 60, 5); // one token a second: full again 1 s after one take
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(buckets.Take($"caller-{i}", limit, 1, Now).Allowed);
        }

        Assert.Equal(1_000, buckets.Count);

        _clock.Advance(TimeSpan.FromMilliseconds(LocalTokenBuckets.SweepIntervalMs));
        Assert.True(buckets.Take("newcomer", limit, 1, Now).Allowed);

        Assert.Equal(1, buckets.Count);
    }

    [Fact]
    public void Take_BucketStillRefilling_IsKeptWithItsCount()
    {
        var buckets = new LocalTokenBuckets();
        var slow = new QuotaLimit("slow", 1, 3); // one token a minute
        for (var i = 0; i < 3; i++)
        {
            Assert.True(buckets.Take("busy", slow, 1, Now).Allowed);
        }

        _clock.Advance(TimeSpan.FromMilliseconds(LocalTokenBuckets.SweepIntervalMs));
        Assert.False(buckets.Take("busy", slow, 1, Now).Allowed); // still empty: forgetting it would have admitted three

        Assert.Equal(1, buckets.Count);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(buckets.Take("busy", slow, 1, Now).Allowed);
        Assert.False(buckets.Take("busy", slow, 1, Now).Allowed);
    }

    [Fact]
    public void Take_ConcurrentTakesWhileSweeping_NeverAdmitMoreThanTheBurst()
    {
        var buckets = new LocalTokenBuckets();
        var limit = new QuotaLimit("test", 1, 50);
        var admitted = 0;
        Parallel.For(0, 400, i =>
        {
            // Every 50th take is on a later clock, so sweeps run while others take.
            var now = Now + (i % 50 == 0 ? LocalTokenBuckets.SweepIntervalMs * (i / 50 + 1) : 0);
            if (buckets.Take("shared", limit, 1, now).Allowed)
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.InRange(admitted, 50, 51); // the burst, plus the one token the latest clock (80 s on, one a minute) adds
    }
}
