using System.Net;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// Refused callers as an operator sees them on <c>/metrics</c>. Meters are process-wide and other test
/// classes run gateways at the same time, so the test compares before and after.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class AuthenticationMetricsTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Metrics_RefusedCallers_CountedByReason()
    {
        var before = await ScrapeAsync();

        using (await gateway.Client.GetAsync("/api/v1/models"))
        {
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models");
        wrong.Headers.Add("X-API-Key", "not-a-key");
        using (await gateway.Client.SendAsync(wrong))
        {
        }

        var after = await ScrapeAsync();
        Assert.True(Sample(after, "reason=\"missing\"") > Sample(before, "reason=\"missing\""));
        Assert.True(Sample(after, "reason=\"invalid\"") > Sample(before, "reason=\"invalid\""));
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static double Sample(string metrics, string label) => PrometheusText.Sum(metrics, "maestro_gateway_auth_failures_total", label);
}
