using System.Diagnostics.Metrics;
using Maestro.Gateway.Quotas;
using Maestro.Gateway.Telemetry;
using Maestro.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// Tokens taken ahead: two replicas (two deciders on one real Redis) admit exactly what the bucket
/// holds while calling Redis for a fraction of the requests, and a lease's leftover goes back; a
/// refusal is remembered until its Retry-After.
/// </summary>
public sealed class QuotaLeasesTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(5));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private RedisConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _connection = new RedisConnection(Options.Create(new RedisConnectionOptions { ConnectionString = redis.Server.ConnectionString }),
            NullLogger<RedisConnection>.Instance);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_connection.Database is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "Redis did not connect.");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _metrics.DisposeAsync();
    }

    [Fact]
    public async Task Decide_TwoReplicasManyConcurrentRequests_AdmitExactlyTheBurstWithFewRedisCalls()
    {
        const int burst = 5_000;
        var subject = new QuotaSubject(Guid.NewGuid().ToString("N"), "big", new QuotaLimit("big", 1, burst));
        var (a, b) = (Decider(), Decider());
        var callsBefore = await ScriptCallsAsync();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 2 * burst).Select(async i =>
        {
            await Task.Yield();
            return await (i % 2 == 0 ? a : b).DecideAsync(subject, 1);
        }));

        Assert.Equal(burst, decisions.Count(d => d.Allowed));
        Assert.All(decisions, d => Assert.True(d.Shared));
        var calls = await ScriptCallsAsync() - callsBefore;
        Assert.True(calls < burst / 4, $"{calls} script calls for {2 * burst} decisions");
    }

    [Fact]
    public async Task Decide_SmallBucket_NothingTakenAhead()
    {
        var subject = new QuotaSubject(Guid.NewGuid().ToString("N"), "small", new QuotaLimit("small", 60, 60));
        var decider = Decider();

        var first = await decider.DecideAsync(subject, 1);

        Assert.True(first.Allowed);
        Assert.Equal(59, first.Remaining);
        Assert.Equal(0, first.TakenAhead);
        Assert.Equal(0, decider.LeaseCount);
    }

    [Fact]
    public async Task Decide_LeaseExpires_ItsLeftoverGoesBackToRedis()
    {
        var partition = Guid.NewGuid().ToString("N");
        var limit = new QuotaLimit("big", 1, 100_000);
        var decider = Decider();
        var first = await decider.DecideAsync(new QuotaSubject(partition, "big", limit), 1);
        Assert.Equal(QuotaLeases.AheadTokens, first.TakenAhead);
        Assert.Equal(100_000 - 1 - QuotaLeases.AheadTokens, await UnitsLeftAsync(partition) / QuotaLimit.UnitsPerToken);

        // After the lease's life and a sweep, a request of another caller hands the leftover back.
        _clock.Advance(TimeSpan.FromSeconds(2));
        await decider.DecideAsync(new QuotaSubject(Guid.NewGuid().ToString("N"), "small", new QuotaLimit("small", 60, 10)), 1);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await UnitsLeftAsync(partition) / QuotaLimit.UnitsPerToken != 100_000 - 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The lease's leftover did not come back.");
            await Task.Delay(20);
        }

        Assert.Equal(0, decider.LeaseCount);
    }

    [Fact]
    public async Task Decide_RefusedBySharedCount_RefusedFromMemoryUntilItsRetryAfterThenAskedAgain()
    {
        var subject = new QuotaSubject(Guid.NewGuid().ToString("N"), "tiny", new QuotaLimit("tiny", 60, 2));
        var decider = Decider();
        Assert.True((await decider.DecideAsync(subject, 1)).Allowed);
        Assert.True((await decider.DecideAsync(subject, 1)).Allowed);
        var callsBefore = await ScriptCallsAsync();

        var refused = await decider.DecideAsync(subject, 1);
        _clock.Advance(TimeSpan.FromMilliseconds(400));
        var again = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => decider.DecideAsync(subject, 1).AsTask()));

        Assert.False(refused.Allowed);
        Assert.Equal(1_000, refused.RetryAfterMs); // 60 a minute: one token a second
        Assert.All(again, d => Assert.Equal((false, 600L), (d.Allowed, d.RetryAfterMs)));
        Assert.Equal(1, await ScriptCallsAsync() - callsBefore);
        Assert.Equal(1, decider.RefusalCount);

        // A larger cost needs more than the refused one: refused from memory too. The wait over, Redis decides again.
        Assert.False((await decider.DecideAsync(subject, 2)).Allowed);
        Assert.Equal(1, await ScriptCallsAsync() - callsBefore);
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True((await decider.DecideAsync(subject, 1)).Allowed);
        Assert.Equal(2, await ScriptCallsAsync() - callsBefore);
        Assert.Equal(0, decider.RefusalCount);
    }

    private QuotaDecider Decider() => new(
        _connection,
        new RedisTokenBuckets(),
        new LocalTokenBuckets(),
        _clock,
        Options.Create(new QuotaOptions { RedisTimeout = TimeSpan.FromSeconds(10) }),
        new GatewayTelemetry(_metrics.GetRequiredService<IMeterFactory>()),
        NullLogger<QuotaDecider>.Instance);

    private async Task<long> UnitsLeftAsync(string partition) =>
        (long)await redis.Database.HashGetAsync(RedisTokenBuckets.KeyFor(partition), "u");

    private async Task<long> ScriptCallsAsync()
    {
        var info = (string)(await redis.Database.ExecuteAsync("INFO", "commandstats"))!;
        return info.Split('\n').Where(line => line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) || line.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            .Sum(line => long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
