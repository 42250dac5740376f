using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;
using Xunit.Abstractions;

namespace Maestro.EndToEnd.Tests;

/// <summary>
/// The platform scaled out as it runs in production: two gateway processes on one real Redis in front
/// of two workers. Quotas and revocations hold across gateway processes, and losing a worker under
/// load costs (almost) nothing.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScaleOutTests(TwoGatewaysFixture fixture, ITestOutputHelper output) : IClassFixture<TwoGatewaysFixture>
{
    private const string PredictPath = "/api/v1/models/fraud-detector/predict";

    private AppHostProcess Platform => fixture.Platform;

    private GatewayProcess Second => fixture.Second;

    [Fact]
    public async Task Predict_TwoGatewayProcessesOneRedisConcurrentLoad_AdmitExactlyTheBurst()
    {
        // One token a minute: refill cannot add a whole token while the test runs, so only the burst counts.
        const int burst = 30;
        const int requests = 4 * burst;
        var key = await CreateKeyAsync("quota-e2e", new { requests_per_minute = 1, burst });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? Platform.Anonymous : Second.Anonymous).SendAsync(Predict(key.Key));
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
        }));

        var fallbacks = await QuotaFallbacksAsync();
        var summary = string.Join(", ", outcomes.GroupBy(o => (int)o.StatusCode).Select(g => $"{g.Count()}×{g.Key}"));
        output.WriteLine($"{requests} concurrent predictions over both gateways: {summary}; local quota fallbacks (AppHost's gateway, second): {fallbacks}");
        Assert.True(outcomes.Count(o => o.StatusCode == HttpStatusCode.OK) == burst,
            $"Expected exactly {burst} admitted; got {summary}. Local quota fallbacks (AppHost's gateway, second): {fallbacks}");
        var refused = outcomes.Where(o => o.StatusCode != HttpStatusCode.OK).ToArray();
        Assert.Equal(requests - burst, refused.Length);
        Assert.All(refused, o =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, o.StatusCode);
            Assert.Equal("application/problem+json", o.MediaType);
            Assert.True(o.Delta > TimeSpan.Zero, "a 429 without a positive Retry-After");
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RevokeApiKey_OnOneGatewayProcess_RefusedByTheOtherWithin10Seconds(bool revokeOnAppHostGateway)
    {
        var key = await CreateKeyAsync("revoked-e2e", rateLimit: null);
        var (admin, revoking, other) = revokeOnAppHostGateway
            ? (Platform.Http, Platform.Anonymous, Second.Anonymous)
            : (Second.Http, Second.Anonymous, Platform.Anonymous);

        // Both processes have seen (and cached) the key.
        foreach (var gateway in new[] { Platform.Anonymous, Second.Anonymous })
        {
            using var served = await gateway.SendAsync(Predict(key.Key));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var revoked = await admin.DeleteAsync($"/admin/api-keys/{key.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var watch = Stopwatch.StartNew();
        using (var refused = await revoking.SendAsync(Predict(key.Key)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var status = HttpStatusCode.OK;
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            using var response = await other.SendAsync(Predict(key.Key));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(20);
        }

        output.WriteLine($"Revoked on the {(revokeOnAppHostGateway ? "AppHost's" : "second")} gateway; the other refused it after {watch.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task KillWorker_UnderLoadThroughBothGateways_CostsAtMostOneRequestInAThousand()
    {
        const int clients = 16;
        const int minimumTotal = 2_000;
        var total = 0;
        var failures = new ConcurrentQueue<string>();
        var (atKill, atRestart, restartedAfter) = (0, 0, TimeSpan.Zero);
        await Platform.WaitForAvailableWorkersAsync();
        var retriesBefore = await RetriesAsync();
        using var stop = new CancellationTokenSource();

        // The development key is on the unlimited plan: quotas take no part.
        var load = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var gateway = i % 2 == 0 ? Platform.Http : Second.Http;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await gateway.SendAsync(Predict(key: null));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(ex.Message);
                }

                Interlocked.Increment(ref total);
            }
        })).ToArray();

        try
        {
            await Platform.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref total) >= 500), TimeSpan.FromSeconds(120), "500 predictions before the kill");
            var before = Platform.Replica("worker", 0);
            atKill = Volatile.Read(ref total);
            var downtime = Stopwatch.StartNew();
            Process.GetProcessById(before.Pid).Kill(); // SIGKILL: no graceful shutdown

            var restarted = before;
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Platform.WaitUntilAsync(async () =>
            {
                restarted = Platform.Services().SingleOrDefault(s => s.Instance == before.Instance) ?? before;
                return restarted.Pid != before.Pid && (await probe.GetAsync($"{restarted.Url}/health")).IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(90), "the killed worker to be started again and healthy");
            restartedAfter = downtime.Elapsed;
            atRestart = Volatile.Read(ref total);

            // Keep going until both gateways send the restarted worker its share again, and long enough for 0.1% to mean something.
            using var direct = new HttpClient { BaseAddress = new Uri(restarted.Url), Timeout = TimeSpan.FromSeconds(10) };
            await Platform.WaitUntilAsync(async () => Volatile.Read(ref total) >= minimumTotal && await ServedAsync(direct) >= 200,
                TimeSpan.FromSeconds(300), $"{minimumTotal} predictions in all and 200 served by the restarted worker-0");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        var retried = await RetriesAsync() - retriesBefore;
        output.WriteLine($"{total} predictions from {clients} clients over both gateways: {atKill} before the SIGKILL of worker-0, "
            + $"{atRestart - atKill} while it was down ({restartedAfter.TotalSeconds:0.0} s until the AppHost had it healthy again), "
            + $"{total - atRestart} after; {failures.Count} failed, {retried} retried on the other worker.");

        Assert.True(failures.Count * 1000 <= total,
            $"{failures.Count} of {total} predictions failed (more than 0.1%): {string.Join(" | ", failures.Take(10))}");

        // Requests were sent to the dead worker and saved by the retry, rather than the kill missing the traffic.
        Assert.True(retried > 0, "No request was retried after worker-0 was killed under load.");
    }

    /// <summary>A fraud-detector prediction, with <paramref name="key"/> or (null) the client's own key.</summary>
    private static HttpRequestMessage Predict(string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, PredictPath) { Content = JsonContent.Create(new { features = new[] { 1.0, 0.0, 1.0 } }) };
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return request;
    }

    /// <summary>A <c>predict</c> key created through the admin API of the AppHost's gateway.</summary>
    private async Task<(string Id, string Key)> CreateKeyAsync(string name, object? rateLimit)
    {
        using var response = await Platform.Http.PostAsJsonAsync("/admin/api-keys", new { name, scopes = new[] { "predict" }, rate_limit = rateLimit });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    /// <summary>How many times, and why, each gateway decided a quota on its own bucket because Redis did not answer.</summary>
    private async Task<string> QuotaFallbacksAsync()
    {
        var counts = new List<string>();
        foreach (var gateway in new[] { Platform.Http, Second.Http })
        {
            var metrics = await gateway.GetStringAsync("/metrics");
            counts.Add(string.Join(" ", new[] { "disconnected", "timeout", "error" }
                .Select(reason => $"{reason}={PrometheusText.Sum(metrics, "maestro_gateway_quota_redis_fallbacks_total", $"reason=\"{reason}\"")}")));
        }

        return string.Join("; ", counts);
    }

    /// <summary>Requests both gateways retried on another destination so far.</summary>
    private async Task<double> RetriesAsync()
    {
        var retries = 0.0;
        foreach (var gateway in new[] { Platform.Http, Second.Http })
        {
            retries += PrometheusText.Sum(await gateway.GetStringAsync("/metrics"), "maestro_gateway_upstream_retries_total");
        }

        return retries;
    }

    /// <summary>Predictions a worker has served since it started.</summary>
    private static async Task<double> ServedAsync(HttpClient worker) =>
        PrometheusText.Sum(await worker.GetStringAsync("/metrics"), "maestro_inference_requests_total");
}
