using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>A gateway with small limits, so each kind of route shows its own.</summary>
public sealed class LimitedGatewayHost : GatewayHost
{
    public override Task InitializeAsync()
    {
        Settings["Gateway:Limits:InferenceBodyBytes"] = "100";
        Settings["Gateway:Limits:UploadBodyBytes"] = "10000";
        Settings["Gateway:Limits:DefaultBodyBytes"] = "50";
        return base.InitializeAsync();
    }
}

public sealed class BodyLimitsTests(LimitedGatewayHost gateway) : IClassFixture<LimitedGatewayHost>
{
    [Theory]
    [InlineData("/api/v1/models/fraud/predict", 90, true)]
    [InlineData("/api/v1/models/fraud/predict", 150, false)]
    [InlineData("/v2/models/fraud/infer", 100, true)]
    [InlineData("/api/v1/models/fraud/versions", 5000, true)]
    [InlineData("/api/v1/models/fraud/versions", 10001, false)]
    [InlineData("/api/v1/models", 50, true)]
    [InlineData("/api/v1/models", 60, false)]
    public async Task Post_BodyAgainstItsRoutesLimit_ForwardedOrRefusedWith413(string path, int bytes, bool forwarded)
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(new byte[bytes]);

        using var response = await gateway.Client.SendAsync(request);

        if (forwarded)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reason = path.StartsWith("/v2", StringComparison.Ordinal) ? body.GetProperty("error") : body.GetProperty("detail");
        Assert.Contains($"{bytes} bytes", reason.GetString());
    }

    [Fact]
    public async Task Infer_V2BodyOverLimit_Returns413InV2Shape()
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Post, "/v2/models/fraud/infer");
        request.Content = new ByteArrayContent(new byte[101]);

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
    }
}
