using System.Net;
using Maestro.Gateway.Quotas;
using Maestro.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// Two gateway replicas on one real Redis, and Redis going away and coming back. Each test starts its
/// own replicas; their clock is held still, so only the shared count decides (a test that needs Redis's
/// break after a failure to end moves it past the break). These read
/// <c>/metrics</c> before and after, so they run alone.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class QuotaSharingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(2));
    private readonly RedisFixture _redis = new();
    private EchoBackend _backend = null!;
    private QuotaGateway _a = null!;
    private QuotaGateway _b = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _backend = await EchoBackend.StartAsync("backend");
        _a = QuotaGateway.Start(_backend, _redis.Server, _clock);
        _b = QuotaGateway.Start(_backend, _redis.Server, _clock);
        await _a.WaitForRedisHealthAsync("Healthy");
        await _b.WaitForRedisHealthAsync("Healthy");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Predict_TwoReplicasUnderConcurrentLoad_AdmitExactlyTheLimitTogether()
    {
        const int burst = 40;
        var caller = $"key={Guid.NewGuid():N};rate=1:{burst}";
        var before = await _a.MetricsAsync();

        // 160 requests at once, half through each replica.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 160).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? _a : _b).Client.SendAsync(QuotaGateway.Predict(caller));
            return response.StatusCode;
        }));

        Assert.Equal(burst, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(160 - burst, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // Every decision was the shared one (one scrape sees both replicas: OpenTelemetry merges the
        // same-named meters of every host in this process).
        var after = await _a.MetricsAsync();
        Assert.Equal(160, Decisions(after, "shared") - Decisions(before, "shared"));
        Assert.Equal(0, Decisions(after, "local") - Decisions(before, "local"));
    }

    [Fact]
    public async Task Predict_RedisStoppedMidLoad_NoServerErrorLocalLimitsThenSharedCountResumes()
    {
        var before = await _a.MetricsAsync();
        using (var shared = await _a.Client.SendAsync(QuotaGateway.Predict($"key={Guid.NewGuid():N};plan=test")))
        {
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        }

        // Redis dies while both replicas serve a steady stream.
        using var load = new CancellationTokenSource();
        var background = SteadyLoadAsync(load.Token);
        await _redis.Server.StopAsync();

        // Each replica keeps serving on its own bucket with the plan's numbers: 3 each, then 429s.
        var outage = $"key={Guid.NewGuid():N};plan=test";
        foreach (var replica in new[] { _a, _b })
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 8; i++)
            {
                using var response = await replica.Client.SendAsync(QuotaGateway.Predict(outage));
                statuses.Add(response.StatusCode);
            }

            Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        }

        var degraded = await _a.WaitForRedisHealthAsync("Degraded");
        Assert.Contains("per gateway instance", degraded.GetProperty("description").GetString());
        var during = await _a.MetricsAsync();
        Assert.True(Fallbacks(during) > Fallbacks(before));
        Assert.True(Decisions(during, "local") > Decisions(before, "local"));

        // Redis comes back (empty, on the same port): each replica returns to the shared count.
        await _redis.Server.StartAsync();
        await _a.WaitForRedisHealthAsync("Healthy");
        await _b.WaitForRedisHealthAsync("Healthy");
        await WaitForSharedAsync(_a);
        await WaitForSharedAsync(_b);

        load.Cancel();
        var loadStatuses = await background;
        Assert.NotEmpty(loadStatuses);
        Assert.DoesNotContain(loadStatuses, s => (int)s >= 500);

        // Shared again: 3 in all across both replicas, not 3 each.
        var after = $"key={Guid.NewGuid():N};plan=test";
        var admitted = 0;
        for (var i = 0; i < 8; i++)
        {
            using var response = await (i % 2 == 0 ? _a : _b).Client.SendAsync(QuotaGateway.Predict(after));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{response.StatusCode}");
            admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(3, admitted);
    }

    [Fact]
    public async Task Predict_RedisHangs_DecidedLocallyAfterTheShortTimeoutNeverAServerError()
    {
        // A replica with the production deadline for Redis (the test gateways wait longer; see QuotaGateway).
        await using var replica = QuotaGateway.Start(_backend, _redis.Server, _clock, ("Gateway:Quotas:RedisTimeout", "00:00:00.25"));
        await replica.WaitForRedisHealthAsync("Healthy");
        var before = await replica.MetricsAsync();

        // Redis stops answering anyone (the connections stay open) for far longer than this test.
        await _redis.Database.ExecuteAsync("CLIENT", "PAUSE", "60000", "ALL");

        var caller = $"key={Guid.NewGuid():N};plan=test";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await replica.Client.SendAsync(QuotaGateway.Predict(caller));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var after = await replica.MetricsAsync();
        // Counted as a fallback: a timeout as a rule; "disconnected" when a loaded machine let the client's
        // own heartbeat give up on the paused connection first.
        Assert.True(PrometheusText.Sum(after, "maestro_gateway_quota_redis_fallbacks_total")
            > PrometheusText.Sum(before, "maestro_gateway_quota_redis_fallbacks_total"));
        Assert.Equal(6, Decisions(after, "local") - Decisions(before, "local"));
    }

    /// <summary>Requests of a generous key through both replicas until cancelled; their statuses.</summary>
    private async Task<List<HttpStatusCode>> SteadyLoadAsync(CancellationToken stop)
    {
        var statuses = new List<HttpStatusCode>();
        var caller = $"key={Guid.NewGuid():N};rate=60:1000000";
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var response = await (i % 2 == 0 ? _a : _b).Client.SendAsync(QuotaGateway.Predict(caller), CancellationToken.None);
            statuses.Add(response.StatusCode);
            await Task.Yield();
        }

        return statuses;
    }

    /// <summary>
    /// Until a request through <paramref name="replica"/> writes its bucket into Redis (bounded poll). Each
    /// round moves the gateways' clock past Redis's break (0.2 s), which a failure during the outage may
    /// have started; the keys counted after this are new, so the moved clock refills nothing they use.
    /// </summary>
    private async Task WaitForSharedAsync(QuotaGateway replica)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(250));
            var key = Guid.NewGuid().ToString("N");
            using (var response = await replica.Client.SendAsync(QuotaGateway.Predict($"key={key};plan=test")))
            {
                Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}");
            }

            if (await _redis.Database.KeyExistsAsync(RedisTokenBuckets.KeyFor(key)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The replica did not return to the shared count within 60 s.");
            await Task.Delay(100);
        }
    }

    private static double Decisions(string metrics, string store) =>
        PrometheusText.Sum(metrics, "maestro_gateway_quota_decisions_total", $"store=\"{store}\"");

    private static double Fallbacks(string metrics) =>
        PrometheusText.Sum(metrics, "maestro_gateway_quota_redis_fallbacks_total");
}
