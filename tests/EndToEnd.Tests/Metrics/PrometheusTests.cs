using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;
using Xunit.Abstractions;

namespace Maestro.EndToEnd.Tests.Metrics;

/// <summary>
/// Every service's <c>/metrics</c> on a running platform: names promtool finds nothing to say about, and
/// a real Prometheus scraping the gateway (with an API key of scope <c>metrics</c> sent as a bearer
/// credential, as the README's scrape configuration does), the registry and a worker.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PrometheusTests(PlatformFixture fixture, ITestOutputHelper output) : IClassFixture<PlatformFixture>
{
    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task Promtool_EveryServicesMetrics_ReportsNothingForMaestroFamilies()
    {
        var metricsKey = await CreateMetricsKeyAsync();
        await MakeTrafficAsync();

        var gateway = await GatewayMetricsAsync(metricsKey);
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var registry = await direct.GetStringAsync(Platform.Replica("registry").Url + "/metrics");
        var worker = await direct.GetStringAsync(Platform.Replica("worker").Url + "/metrics");

        var problems = new List<string>();
        foreach (var (service, text) in new[] { ("gateway", gateway), ("registry", registry), ("worker", worker) })
        {
            problems.AddRange((await Promtool.ProblemsAsync(text)).Select(line => $"{service}: {line}"));
        }

        Assert.Empty(problems);
        // What was checked: the families the traffic above makes, so the check cannot pass on an empty page.
        Assert.Contains("# TYPE maestro_gateway_auth_failures_total counter", gateway);
        Assert.Contains("# TYPE maestro_gateway_quota_decisions_total counter", gateway);
        Assert.Contains("# TYPE maestro_gateway_upstream_duration_seconds histogram", gateway);
        Assert.Contains("# TYPE maestro_registry_uploads_total counter", registry);
        Assert.Contains("# TYPE maestro_inference_requests_total counter", worker);
        Assert.Contains("# TYPE maestro_inference_compute_duration_seconds histogram", worker);
    }

    [Fact]
    public async Task Prometheus_ScrapesGatewayRegistryAndWorker_EachTargetUpWithMaestroSeries()
    {
        var metricsKey = await CreateMetricsKeyAsync();
        await MakeTrafficAsync();
        var configuration = $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: maestro-gateway
                authorization:
                  credentials: {{metricsKey}}
                static_configs:
                  - targets: ["127.0.0.1:{{Platform.GatewayPort}}"]
              - job_name: maestro-registry
                static_configs:
                  - targets: ["127.0.0.1:{{Platform.Replica("registry").Port}}"]
              - job_name: maestro-worker
                static_configs:
                  - targets: ["127.0.0.1:{{Platform.Replica("worker").Port}}"]
            """;

        await using var prometheus = await PrometheusServer.StartAsync(configuration);

        IReadOnlyList<(string Job, string Health, string Error)> targets = [];
        await prometheus.WaitUntilAsync(async () =>
        {
            targets = await prometheus.TargetsAsync();
            return targets.Count == 3 && targets.All(target => target.Health == "up");
        }, TimeSpan.FromSeconds(90), "every target to be up");
        Assert.Equal(["maestro-gateway", "maestro-registry", "maestro-worker"], targets.Select(t => t.Job).Order());
        output.WriteLine("Prometheus targets: " + string.Join(", ", targets.OrderBy(t => t.Job).Select(t => $"{t.Job} {t.Health}")));

        foreach (var (job, family) in new[] { ("maestro-gateway", "maestro_gateway_"), ("maestro-worker", "maestro_inference_") })
        {
            var query = $"{{__name__=~\"{family}.+\",job=\"{job}\"}}";
            await prometheus.WaitUntilAsync(async () => (await prometheus.QueryAsync(query)).Count > 0,
                TimeSpan.FromSeconds(60), $"a {family}* series scraped from {job}");
        }

        var upstream = await prometheus.QueryAsync("sum(maestro_gateway_upstream_duration_seconds_count{job=\"maestro-gateway\"})");
        Assert.True(double.Parse(upstream.Single().Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>A key that may read /metrics and nothing else, created by the development admin key.</summary>
    private async Task<string> CreateMetricsKeyAsync()
    {
        using var created = await Platform.Http.PostAsJsonAsync("/admin/api-keys", new { name = "prometheus-" + Guid.NewGuid().ToString("N")[..8], scopes = new[] { "metrics" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>Predictions through the gateway on a key with a quota plan, one refused key, and a prediction on the scraped worker itself.</summary>
    private async Task MakeTrafficAsync()
    {
        using var created = await Platform.Http.PostAsJsonAsync("/admin/api-keys", new { name = "metrics-traffic", scopes = new[] { "predict" }, plan = "pro" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var predictKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/fraud-detector/predict")
            {
                Content = JsonContent.Create(new { features = new[] { 0.5, 1.2, 3.4 } }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", predictKey);
            using var predicted = await Platform.Anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        }

        using (var refused = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models"))
        {
            refused.Headers.Add("X-API-Key", "mk_not-a-key");
            using var response = await Platform.Anonymous.SendAsync(refused);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var served = await direct.PostAsJsonAsync(Platform.Replica("worker").Url + "/api/v1/models/fraud-detector/predict", new { features = new[] { 0.5, 1.2, 3.4 } });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private async Task<string> GatewayMetricsAsync(string metricsKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", metricsKey);
        using var response = await Platform.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
