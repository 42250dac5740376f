using System.Net;
using System.Net.Http.Json;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Telemetry;

/// <summary>Upstream latency per cluster as an operator sees it on <c>/metrics</c>.</summary>
[Collection(MetricsCollection.Name)]
public sealed class UpstreamLatencyTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Metrics_ProxiedRequests_RecordedPerClusterInSeconds()
    {
        var before = await ScrapeAsync();

        for (var i = 0; i < 3; i++)
        {
            await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models"));
        }

        using var predict = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict");
        predict.Content = JsonContent.Create(new { features = new[] { 1.0 } });
        await gateway.EchoAsync(predict);

        var after = await ScrapeAsync();
        Assert.Equal(3, Count(after, "registry") - Count(before, "registry"));
        Assert.Equal(1, Count(after, "worker") - Count(before, "worker"));
        Assert.Contains("maestro_gateway_upstream_duration_seconds_bucket{", after);
        var seconds = PrometheusText.Sum(after, "maestro_gateway_upstream_duration_seconds_sum", "cluster=\"registry\"")
            - PrometheusText.Sum(before, "maestro_gateway_upstream_duration_seconds_sum", "cluster=\"registry\"");
        Assert.True(seconds > 0, $"{seconds}");
    }

    private static double Count(string metrics, string cluster) =>
        PrometheusText.Sum(metrics, "maestro_gateway_upstream_duration_seconds_count", $"cluster=\"{cluster}\"", "outcome=\"ok\"");

    private async Task<string> ScrapeAsync()
    {
        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
