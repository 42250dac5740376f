using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

public sealed class ApiKeyAuthenticationHandlerTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData("/api/v1/models")]
    [InlineData("/api/v1/models/fraud/predict")]
    [InlineData("/api/v1/model-cards/fraud/versions/1")]
    [InlineData("/metrics")]
    [InlineData("/no-such-path")]
    public async Task Authenticate_NoKey_Returns401ProblemSayingWhatToSend(string path)
    {
        var response = await gateway.Client.GetAsync(path);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("send it in the X-API-Key header", problem.GetProperty("detail").GetString());
        Assert.Equal("ApiKey header=\"X-API-Key\", Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("MAESTRO-TEST-KEY-7F3A")]
    [InlineData("maestro-test-key-7f3a ")]
    [InlineData("maestro-test-key-7f3")]
    public async Task Authenticate_WrongKey_Returns401ProblemSayingKeyIsRefused(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models");
        request.Headers.TryAddWithoutValidation("X-API-Key", key);

        var response = await gateway.Client.SendAsync(request);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("does not accept", problem.GetProperty("detail").GetString());
        Assert.Equal("ApiKey header=\"X-API-Key\", Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Authenticate_WrongKey_ProblemCarriesTheRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models");
        request.Headers.Add("X-API-Key", "wrong-key");
        request.Headers.Add("X-Request-Id", "support-ticket-1234");

        var response = await gateway.Client.SendAsync(request);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("support-ticket-1234", problem.GetProperty("requestId").GetString());
        Assert.Equal("support-ticket-1234", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Authenticate_V2PathWithoutValidKey_Returns401Error(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/fraud/infer")
        {
            Content = new StringContent("""{"inputs": []}""", System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        var response = await gateway.Client.SendAsync(request);

        await HttpAssert.V2ErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey header=\"X-API-Key\", Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/models/fraud")]
    public async Task Authenticate_V2MetadataWithoutKey_Returns401Error(string path)
    {
        await HttpAssert.V2ErrorAsync(await gateway.Client.GetAsync(path), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Authenticate_ValidKey_ReachesTheService()
    {
        var echo = await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models"));

        Assert.Equal("registry", echo.Backend);
    }

    [Fact]
    public void KeysEqual_SameKey_True()
    {
        Assert.True(ApiKeyAuthenticationHandler.KeysEqual("maestro-test-key-7f3a", "maestro-test-key-7f3a"));
        Assert.True(ApiKeyAuthenticationHandler.KeysEqual("clé-ünïcode-🔑", "clé-ünïcode-🔑"));
    }

    [Theory]
    [InlineData("maestro-test-key-7f3a", "maestro-test-key-7f3b")]
    [InlineData("maestro-test-key-7f3a", "MAESTRO-TEST-KEY-7F3A")]
    [InlineData("maestro-test-key-7f3a", "maestro-test-key-7f3a ")]
    [InlineData("maestro-test-key", "maestro-test-key-7f3a")]
    [InlineData("", "maestro-test-key-7f3a")]
    [InlineData("cle", "clé")]
    public void KeysEqual_DifferentKeys_False(string presented, string expected)
    {
        Assert.False(ApiKeyAuthenticationHandler.KeysEqual(presented, expected));
        Assert.False(ApiKeyAuthenticationHandler.KeysEqual(expected, presented));
    }
}
