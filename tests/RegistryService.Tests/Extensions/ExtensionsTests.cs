using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Tests.Extensions;

/// <summary>What <c>AddApplicationServices</c> wires beside the API: health, metrics, settings.</summary>
public sealed class ExtensionsTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    [Fact]
    public async Task Health_StoreAnswers_Returns200()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        Assert.Contains(report.RootElement.GetProperty("checks").EnumerateArray(), check => check.GetProperty("name").GetString() == "store");
    }

    [Fact]
    public async Task Health_Registered_IncludesTheStoreCheck()
    {
        var health = factory.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();

        Assert.True(report.Entries.TryGetValue("store", out var store), "no 'store' health check");
        Assert.Equal(HealthStatus.Healthy, store.Status);
    }

    [Fact]
    public async Task Health_DataDirectoryGone_Returns503ButAliveReturns200()
    {
        await using var registry = new RegistryFactory();
        using var client = registry.CreateClient();
        using (var healthy = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(registry.DataDirectory, recursive: true);

        using var response = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterApiRequests_ServesPrometheusTextWithHttpMetrics()
    {
        using var client = factory.CreateClient();
        (await client.GetAsync("/api/v1/models/metrics-probe")).Dispose();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Contains("http_route=\"/api/v1/models/{name}\"", text);
    }

    [Fact]
    public void Start_MaxUploadBytesZero_FailsNamingTheSetting()
    {
        using var registry = new ZeroUploadLimitRegistryFactory();

        var error = Assert.Throws<OptionsValidationException>(() => registry.CreateClient());

        Assert.Contains("MaxUploadBytes", error.Message);
    }

    private sealed class ZeroUploadLimitRegistryFactory : RegistryFactory
    {
        public ZeroUploadLimitRegistryFactory() => Settings["Registry:MaxUploadBytes"] = "0";
    }
}
