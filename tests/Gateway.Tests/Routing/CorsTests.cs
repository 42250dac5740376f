using System.Net;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>A gateway that lets one web application's origin call it from a browser.</summary>
public sealed class CorsGatewayHost : GatewayHost
{
    public const string AllowedOrigin = "https://app.example";

    public override Task InitializeAsync()
    {
        Settings["Gateway:Cors:AllowedOrigins:0"] = AllowedOrigin;
        return base.InitializeAsync();
    }
}

public sealed class CorsTests(CorsGatewayHost gateway) : IClassFixture<CorsGatewayHost>
{
    [Fact]
    public async Task Preflight_AllowedOrigin_AnsweredWithoutCredentials()
    {
        using var response = await gateway.Client.SendAsync(Preflight(CorsGatewayHost.AllowedOrigin));

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(CorsGatewayHost.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-api-key", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_OtherOrigin_GetsNoPermission()
    {
        using var response = await gateway.Client.SendAsync(Preflight("https://evil.example"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Call_FromAllowedOrigin_ExposesRequestId()
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models/fraud");
        request.Headers.Add("Origin", CorsGatewayHost.AllowedOrigin);

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CorsGatewayHost.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Request-Id", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/models/fraud/predict");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key,content-type");
        return request;
    }
}
