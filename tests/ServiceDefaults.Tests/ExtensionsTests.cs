using System.Net.Http.Json;
using System.Text.Json;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Maestro.ServiceDefaults.Tests;

/// <summary><c>AddServiceDefaults</c> and <c>MapDefaultEndpoints</c>: probes and metrics.</summary>
public sealed class ExtensionsTests
{
    [Fact]
    public async Task MapDefaultEndpoints_HealthyService_HealthAndAliveReturn200()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.GetTestClient();

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("self", report.GetProperty("checks")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task MapDefaultEndpoints_UnhealthyReadinessCheck_HealthReturns503AliveReturns200()
    {
        await using var app = await TestApp.StartAsync(builder =>
            builder.Services.AddHealthChecks().AddCheck("database", () => HealthCheckResult.Unhealthy("down")));
        using var client = app.GetTestClient();

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var database = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Equal("down", database.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task MapDefaultEndpoints_UnhealthyLiveCheck_AliveReturns503()
    {
        await using var app = await TestApp.StartAsync(builder =>
            builder.Services.AddHealthChecks().AddCheck("deadlock", () => HealthCheckResult.Unhealthy("stuck"), [Extensions.LiveTag]));
        using var client = app.GetTestClient();

        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, alive.StatusCode);
    }

    [Fact]
    public async Task MapDefaultEndpoints_CounterOnMaestroMeter_MetricsServesItAsPrometheusText()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var app = await TestApp.StartAsync();
        using var client = app.GetTestClient();
        using var ours = new Meter("Maestro.Test." + suffix);
        using var theirs = new Meter("Contoso.Test." + suffix);
        ours.CreateCounter<long>($"maestro.test.widgets_{suffix}").Add(3);
        theirs.CreateCounter<long>($"contoso.test.widgets_{suffix}").Add(5);

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"# TYPE maestro_test_widgets_{suffix}_total counter", text);
        Assert.Matches(new Regex($@"^maestro_test_widgets_{suffix}_total(\{{[^}}]*\}})? 3(\s|$)", RegexOptions.Multiline), text);
        Assert.DoesNotContain($"contoso_test_widgets_{suffix}", text);
    }

    [Fact]
    public async Task MapDefaultEndpoints_ProbeRequests_AreNotCountedAsHttpTraffic()
    {
        await using var app = await TestApp.StartAsync(map: app => app.MapGet("/hello", () => "hi"));
        using var client = app.GetTestClient();
        (await client.GetAsync("/hello")).Dispose();
        (await client.GetAsync("/health")).Dispose();
        (await client.GetAsync("/alive")).Dispose();

        using var response = await client.GetAsync("/metrics");

        var requestDurations = (await response.Content.ReadAsStringAsync())
            .Split('\n')
            .Where(line => line.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains(requestDurations, line => line.Contains("http_route=\"/hello\"", StringComparison.Ordinal));
        Assert.DoesNotContain(requestDurations, line => line.Contains("http_route=\"/health\"", StringComparison.Ordinal));
        Assert.DoesNotContain(requestDurations, line => line.Contains("http_route=\"/alive\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/metrics", true)]
    [InlineData("/health/details", true)]
    [InlineData("/healthy", false)]
    [InlineData("/api/v1/models/health", false)]
    public void IsInfrastructurePath_Path_ClassifiesProbes(string path, bool expected) =>
        Assert.Equal(expected, Extensions.IsInfrastructurePath(new PathString(path)));

    [Theory]
    [InlineData("/alive", true)]
    [InlineData("/api/v1/changes", true)]
    [InlineData("/api/v1/models/fraud-detector/predict", false)]
    [InlineData("/api/v1/models", false)]
    public void IsUntracedPath_Path_ProbesAndTheChangeFeedPoll(string path, bool expected) =>
        Assert.Equal(expected, Extensions.IsUntracedPath(new PathString(path)));
}
