using System.Net;
using System.Text.Json;

namespace Maestro.Gateway.Tests.Apis;

/// <summary>The gateway's own endpoints and the probes that stay open to anonymous callers.</summary>
public sealed class GatewayApiTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Info_Anonymous_DescribesTheGateway()
    {
        var response = await gateway.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Maestro", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("/openapi/v1.json", body.RootElement.GetProperty("openapi").GetString());
        Assert.Equal("X-API-Key or Authorization: Bearer (POST /auth/token)", body.RootElement.GetProperty("authentication").GetString());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Probe_Anonymous_Returns200(string path)
    {
        var response = await gateway.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_BackendsUp_ListsRegistryAndWorkersWithTheirCounts()
    {
        using var response = await gateway.Client.GetAsync("/health");

        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Healthy", checks["registry"].GetProperty("status").GetString());
        Assert.Equal(1, checks["registry"].GetProperty("data").GetProperty("total").GetInt32());
        Assert.Equal("Healthy", checks["worker"].GetProperty("status").GetString());
        Assert.Equal(2, checks["worker"].GetProperty("data").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task OpenApi_Anonymous_ReturnsTheDocument()
    {
        var response = await gateway.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", body.RootElement.GetProperty("openapi").GetString());
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task V2HealthProbe_Anonymous_ReachesAWorker(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);

        var echo = await gateway.EchoAsync(request);

        Assert.StartsWith("worker-", echo.Backend);
        Assert.Equal(path, echo.Path);
    }
}
