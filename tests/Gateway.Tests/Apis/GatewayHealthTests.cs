using System.Net;
using System.Text.Json;

namespace Maestro.Gateway.Tests.Apis;

/// <summary>The gateway's <c>/health</c> when what it routes to is down.</summary>
public sealed class GatewayHealthTests(DownstreamDownGatewayHost gateway) : IClassFixture<DownstreamDownGatewayHost>
{
    [Fact]
    public async Task Health_BackendsDown_StaysUpButReportsEachDependencyDegraded()
    {
        // Destinations start as "unknown" (routable) until the first active probe fails: poll, bounded.
        JsonElement checks = default;
        HttpStatusCode status = default;
        string overall = "";
        for (var attempt = 0; attempt < 100 && !BothDegraded(checks); attempt++)
        {
            using var response = await gateway.Client.GetAsync("/health");
            status = response.StatusCode;
            using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            overall = report.RootElement.GetProperty("status").GetString()!;
            checks = report.RootElement.GetProperty("checks").Clone();
            if (!BothDegraded(checks))
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal("Degraded", overall);
        Assert.Equal(HttpStatusCode.OK, status);
        var worker = checks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "worker");
        Assert.Equal("Degraded", worker.GetProperty("status").GetString());
        Assert.Equal(0, worker.GetProperty("data").GetProperty("available").GetInt32());
        Assert.Contains("No worker instance is available", worker.GetProperty("description").GetString());
    }

    private static bool BothDegraded(JsonElement checks) =>
        checks.ValueKind == JsonValueKind.Array
        && checks.EnumerateArray().Count(c => c.GetProperty("name").GetString() is "registry" or "worker"
            && c.GetProperty("status").GetString() == "Degraded") == 2;
}
