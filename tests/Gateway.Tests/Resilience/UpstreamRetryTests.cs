using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Resilience;

/// <summary>
/// A gateway whose clusters each have one destination that is down (nothing listens) and one that
/// is up: the situation right after a replica dies, before health checks have noticed. Active health
/// checks are off so that only the requests themselves can find the dead one.
/// </summary>
public sealed class PartlyDownGatewayHost : GatewayHost
{
    public override async Task InitializeAsync()
    {
        Settings["Gateway:Routing:ActiveHealthChecks"] = "false";

        // Long enough that a slow, shared machine cannot bring the dead destination back mid-test.
        Settings["Gateway:Routing:PassiveReactivation"] = "00:05:00";
        LiveRegistry = await EchoBackend.StartAsync("registry");
        LiveWorker = await EchoBackend.StartAsync("worker-live");
        Start([EchoBackend.DownAddress(), LiveRegistry.Address], [EchoBackend.DownAddress(), LiveWorker.Address]);
    }

    internal EchoBackend LiveRegistry { get; private set; } = null!;

    internal EchoBackend LiveWorker { get; private set; } = null!;

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await LiveRegistry.DisposeAsync();
        await LiveWorker.DisposeAsync();
    }
}

/// <summary>Each test starts its own gateway: the first failure changes what the next request sees.</summary>
[Collection(MetricsCollection.Name)]
public sealed class UpstreamRetryTests : IAsyncLifetime
{
    private readonly PartlyDownGatewayHost gateway = new();

    public Task InitializeAsync() => gateway.InitializeAsync();

    public Task DisposeAsync() => gateway.DisposeAsync();

    [Fact]
    public async Task Predict_OneWorkerDown_EveryRequestSucceedsOnTheOtherWithItsBody()
    {
        var before = await RetriesAsync("worker");

        for (var i = 0; i < 30; i++)
        {
            var body = $$"""{"features": [{{i}}, 1.5, 2.5]}""";
            using var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict");
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");

            var echo = await gateway.EchoAsync(request);

            Assert.Equal("worker-live", echo.Backend);
            Assert.Equal(body, echo.Body);
        }

        // Load balancing sends some request to the dead destination (30 picks out of 2); that one was
        // retried, and the dead destination then left rotation.
        Assert.Equal(1, await RetriesAsync("worker") - before);
    }

    [Fact]
    public async Task Predict_ChunkedBodyOneWorkerDown_EveryRequestSucceedsWithItsBody()
    {
        for (var i = 0; i < 30; i++)
        {
            var body = $$"""{"features": [{{i}}, 0.5]}""";
            using var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict");
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TransferEncodingChunked = true;

            var echo = await gateway.EchoAsync(request);

            Assert.Equal("worker-live", echo.Backend);
            Assert.Equal(body, echo.Body);
        }
    }

    [Fact]
    public async Task CreateModel_OneRegistryDown_ConnectFailureIsRetriedOnce()
    {
        var before = await RetriesAsync("registry");

        for (var i = 0; i < 30; i++)
        {
            using var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models");
            request.Content = JsonContent.Create(new { name = $"m{i}" });
            var echo = await gateway.EchoAsync(request);
            Assert.Equal("registry", echo.Backend);
            Assert.Equal($$"""{"name":"m{{i}}"}""", echo.Body);
        }

        // The first failure takes the dead destination out of rotation, so later calls need no retry.
        Assert.Equal(1, await RetriesAsync("registry") - before);
    }

    [Fact]
    public async Task Upload_BodyTooLargeToReplay_FailsWithReasonOnceThenAvoidsTheDeadDestination()
    {
        // Until load balancing picks the dead destination, uploads go through.
        HttpResponseMessage? failed = null;
        for (var i = 0; i < 30 && failed is null; i++)
        {
            var response = await UploadAsync();
            if (response.IsSuccessStatusCode)
            {
                response.Dispose();
            }
            else
            {
                failed = response;
            }
        }

        // That upload is not retried — a streamed body cannot be sent twice — and says why…
        Assert.NotNull(failed);
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        var problem = await failed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("registry", problem.GetProperty("detail").GetString());
        failed.Dispose();

        // …and the dead destination is out of rotation for the next ones.
        for (var i = 0; i < 5; i++)
        {
            using var response = await UploadAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private Task<HttpResponseMessage> UploadAsync()
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/big/versions");
        request.Content = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        return gateway.Client.SendAsync(request);
    }

    private async Task<double> RetriesAsync(string cluster)
    {
        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Sum(await response.Content.ReadAsStringAsync(), "maestro_gateway_upstream_retries_total", $"cluster=\"{cluster}\"");
    }
}
