using System.Net;
using System.Text;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Resilience;

/// <summary>
/// Clusters with one destination each, as in Kubernetes (a Service address in front of every pod):
/// a failure never takes that destination out of rotation, and a request that never reached the
/// service is sent once more, on a fresh connection.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class SingleDestinationRetryTests : IAsyncLifetime
{
    private FlakyBackend _registry = null!;
    private FlakyBackend _worker = null!;
    private SingleDestinationGatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _registry = await FlakyBackend.StartAsync();
        _worker = await FlakyBackend.StartAsync();
        _gateway = new SingleDestinationGatewayHost(_registry.Address, _worker.Address);
        await _gateway.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _registry.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Predict_OnlyWorkerDropsAConnection_RetriedOnceOnAFreshConnectionAndKeptInRotation()
    {
        Assert.Equal(HttpStatusCode.OK, await PredictAsync()); // a pooled connection exists now
        _worker.DropNext(1);
        var before = await RetriesAsync("worker");

        // Concurrent requests need new connections beside the pooled one; the worker drops the first it accepts.
        // Its answers wait a moment, so the requests overlap even when a busy machine sends them one by one.
        _worker.AnswerDelay = TimeSpan.FromMilliseconds(300);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PredictAsync()));
        _worker.AnswerDelay = TimeSpan.Zero;

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, _worker.Dropped);
        Assert.Equal(1, await RetriesAsync("worker") - before);

        // Still in rotation: every later request is answered, none refused for want of a healthy instance.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PredictAsync());
        }
    }

    [Fact]
    public async Task Upload_OnlyRegistryDropsTheConnection_FailsOnceThenTheNextCallsGoThrough()
    {
        // An upload too large to replay is not retried: it fails with a reason…
        _registry.DropNext(int.MaxValue);
        using (var failed = await UploadAsync())
        {
            var problem = await HttpAssert.ProblemAsync(failed, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("registry", problem.GetProperty("detail").GetString());
        }

        // …but the only registry address stays in rotation: once it answers again, so does the gateway,
        // without waiting out a reactivation period (5 minutes here).
        _registry.DropNext(0);
        using var next = await UploadAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private async Task<HttpStatusCode> PredictAsync()
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict");
        request.Content = new StringContent("""{"features": [1, 2, 3]}""", Encoding.UTF8, "application/json");
        using var response = await _gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> UploadAsync()
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/big/versions");
        request.Content = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        return _gateway.Client.SendAsync(request);
    }

    private async Task<double> RetriesAsync(string cluster)
    {
        using var response = await _gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/metrics"));
        return PrometheusText.Sum(await response.Content.ReadAsStringAsync(), "maestro_gateway_upstream_retries_total", $"cluster=\"{cluster}\"");
    }
}
