using System.Text.Json;

namespace Maestro.Gateway.Tests.Routing;

public sealed class RequestIdMiddlewareTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task UseRequestId_NoneSent_GeneratesOneForwardedAndEchoed()
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud-detector/predict");

        var (echo, echoed) = await SendAsync(request);

        Assert.False(string.IsNullOrWhiteSpace(echo.RequestId));
        Assert.Equal(echo.RequestId, echoed);
    }

    [Fact]
    public async Task UseRequestId_NoneSent_EachRequestGetsItsOwn()
    {
        var (_, first) = await SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models"));
        var (_, second) = await SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models"));

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("client-req-42")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("job_7.step:3")]
    public async Task UseRequestId_SaneIdSent_KeptForwardedAndEchoed(string id)
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud-detector/predict");
        request.Headers.Add("X-Request-Id", id);

        var (echo, echoed) = await SendAsync(request);

        Assert.Equal(id, echo.RequestId);
        Assert.Equal(id, echoed);
    }

    [Theory]
    [InlineData(500, 'a')]
    [InlineData(129, 'b')]
    public async Task UseRequestId_OverlongIdSent_Replaced(int length, char c)
    {
        var sent = new string(c, length);
        var request = GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models");
        request.Headers.Add("X-Request-Id", sent);

        var (echo, echoed) = await SendAsync(request);

        Assert.NotEqual(sent, echoed);
        Assert.InRange(echoed.Length, 1, 128);
        Assert.Equal(echoed, echo.RequestId);
    }

    [Theory]
    [InlineData("id with spaces")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a,b")]
    public async Task UseRequestId_IdWithOddCharacters_Replaced(string sent)
    {
        var request = GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models");
        request.Headers.TryAddWithoutValidation("X-Request-Id", sent);

        var (echo, echoed) = await SendAsync(request);

        Assert.NotEqual(sent, echoed);
        Assert.Matches("^[A-Za-z0-9._:-]+$", echoed);
        Assert.Equal(echoed, echo.RequestId);
    }

    private async Task<(Echo Echo, string Echoed)> SendAsync(HttpRequestMessage request)
    {
        var response = await gateway.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var echoed = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        var echo = JsonSerializer.Deserialize<Echo>(await response.Content.ReadAsStringAsync(), GatewayHost.Json)!;
        return (echo, echoed);
    }
}
