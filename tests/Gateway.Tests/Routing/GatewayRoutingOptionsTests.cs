using Maestro.Gateway.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Maestro.Gateway.Tests.Routing;

/// <summary><c>Gateway:Routing</c>, <c>Gateway:Cors</c> and <c>Gateway:TrustedProxies</c>: bound, validated at start, and what the proxy's clusters are made of.</summary>
public sealed class GatewayRoutingOptionsTests
{
    [Fact]
    public async Task Start_ProbeIntervalSet_EveryClusterProbesAliveThatOften()
    {
        await using var factory = Gateway(("Gateway:Routing:HealthCheckInterval", "00:00:07"));

        var clusters = factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters;

        Assert.Equal(["registry", "worker"], clusters.Select(c => c.ClusterId).Order());
        Assert.All(clusters, c => Assert.Equal((true, TimeSpan.FromSeconds(7), "/alive"),
            (c.HealthCheck!.Active!.Enabled, c.HealthCheck.Active.Interval, c.HealthCheck.Active.Path)));
    }

    [Fact]
    public async Task Start_ActiveHealthChecksOff_NoClusterIsProbed()
    {
        await using var factory = Gateway(("Gateway:Routing:ActiveHealthChecks", "false"));

        var clusters = factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters;

        Assert.All(clusters, c => Assert.False(c.HealthCheck!.Active!.Enabled));
        Assert.Equal(TimeSpan.FromSeconds(5), factory.Services.GetRequiredService<IOptions<GatewayRoutingOptions>>().Value.PassiveReactivation);
    }

    [Fact]
    public async Task Start_ProbeIntervalZero_FailsNamingTheSetting()
    {
        await using var factory = Gateway(("Gateway:Routing:HealthCheckInterval", "00:00:00"));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Gateway:Routing:HealthCheckInterval", error.Message);
    }

    [Theory]
    [InlineData("app.example")]
    [InlineData("https://app.example/path")]
    [InlineData("ftp://app.example")]
    public async Task Start_CorsOriginNotAnOrigin_FailsNamingTheSetting(string origin)
    {
        await using var factory = Gateway(("Gateway:Cors:AllowedOrigins:0", "https://ok.example"), ("Gateway:Cors:AllowedOrigins:1", origin));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains($"Gateway:Cors:AllowedOrigins:1 is '{origin}', not an origin", error.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("ingress.internal")]
    public async Task Start_TrustedProxyNotAnAddressOrNetwork_FailsNamingTheSetting(string network)
    {
        await using var factory = Gateway(("Gateway:TrustedProxies:Networks:0", network));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Gateway:TrustedProxies", error.Message);
        Assert.Contains($"'{network}' is neither an IP address nor a CIDR network", error.Message);
    }

    private static WebApplicationFactory<Program> Gateway(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("services:registry:http:0", "http://127.0.0.1:9");
            builder.UseSetting("services:worker:http:0", "http://127.0.0.1:9");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
}
