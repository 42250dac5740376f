namespace Maestro.Gateway.Tests.Routing;

/// <summary>What the services learn about the caller, and what they must never receive.</summary>
public sealed class CallerForwardingTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData("/api/v1/models/fraud-detector/predict")]
    [InlineData("/api/v1/models/fraud-detector/versions")]
    [InlineData("/v2/models/fraud-detector/infer")]
    public async Task Apply_AuthenticatedRequest_ForwardsCallerButNotTheKey(string path)
    {
        var echo = await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Post, path));

        Assert.Null(echo.ApiKey);
        Assert.Equal("dev-admin", echo.Caller);
    }

    [Fact]
    public async Task Apply_ClientSendsCallerHeader_ReplacedByTheAuthenticatedCaller()
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud-detector/predict");
        request.Headers.Add("X-Maestro-Caller", "someone-else");

        var echo = await gateway.EchoAsync(request);

        Assert.Equal("dev-admin", echo.Caller);
    }

    [Fact]
    public async Task Apply_AnonymousRequestForgingCaller_ForwardsNoCaller()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/health/live");
        request.Headers.Add("X-Maestro-Caller", "dev-admin");

        var echo = await gateway.EchoAsync(request);

        Assert.StartsWith("worker-", echo.Backend);
        Assert.Null(echo.Caller);
    }
}
