using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Gateway.Apis;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// API keys sent as <c>Authorization: Bearer &lt;key&gt;</c> (what Prometheus and MLflow's client send):
/// the same key, scopes and refusals as in <c>X-API-Key</c>; any other bearer value is still a JWT.
/// </summary>
public sealed class BearerApiKeyTests(ScopedKeysGatewayHost gateway) : IClassFixture<ScopedKeysGatewayHost>
{
    [Theory]
    [InlineData(Scopes.Predict, "POST", "/api/v1/models/fraud/predict", HttpStatusCode.OK)]
    [InlineData(Scopes.Predict, "GET", "/api/v1/models", HttpStatusCode.Forbidden)]
    [InlineData(Scopes.ModelsRead, "GET", "/api/v1/models", HttpStatusCode.OK)]
    [InlineData(Scopes.Metrics, "GET", "/metrics", HttpStatusCode.OK)]
    [InlineData(Scopes.Admin, "GET", "/metrics", HttpStatusCode.OK)]
    [InlineData(Scopes.Predict, "GET", "/metrics", HttpStatusCode.Forbidden)]
    [InlineData(Scopes.Metrics, "GET", "/admin/api-keys", HttpStatusCode.Forbidden)]
    public async Task Authenticate_IssuedKeyAsBearer_SameScopesAsInXApiKey(string scope, string method, string path, HttpStatusCode expected)
    {
        var key = gateway.KeyWith(scope);

        var asBearer = await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithToken(new HttpMethod(method), path, key));
        var asHeader = await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(new HttpMethod(method), path, key));

        Assert.Equal(expected, asBearer);
        Assert.Equal(asHeader, asBearer);
    }

    [Fact]
    public async Task Authenticate_DevKeyAsBearer_HasEveryScope()
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Get, "/admin/api-keys", GatewayHost.ApiKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_MetricsKeyAsBearer_ServesPrometheusText()
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Get, "/metrics", gateway.KeyWith(Scopes.Metrics)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authenticate_UnknownMkKeyAsBearer_Returns401NamingTheAuthorizationHeader()
    {
        using var response = await gateway.Client.SendAsync(
            ApiKeyAdmin.WithToken(HttpMethod.Get, "/api/v1/models", ApiKeySecret.Generate()));

        var detail = (await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString();
        Assert.Contains("The key in the Authorization header", detail);
        Assert.Contains("does not accept", detail);
    }

    [Fact]
    public async Task Authenticate_RevokedKeyAsBearer_Returns401SayingRevoked()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "bearer-revoked", [Scopes.ModelsRead]);
        using (var revoked = await ApiKeyAdmin.RevokeAsync(gateway.Client, key.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Get, "/api/v1/models", key.Key));

        Assert.Contains("has been revoked", (await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("not-a-key-and-not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl")]
    [InlineData("MK_uppercase-is-not-the-prefix")]
    public async Task Authenticate_OtherBearerValue_IsReadAsAJwtAndRefused(string value)
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Get, "/api/v1/models", value));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task IssueToken_KeyAsBearer_ReturnsTokensBoundToThatKey()
    {
        var key = gateway.KeyWith(Scopes.Predict);
        using var request = ApiKeyAdmin.WithToken(HttpMethod.Post, "/auth/token", key);
        using var issued = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var tokens = JsonSerializer.Deserialize<TokenResponse>(await issued.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, await ApiKeyAdmin.StatusAsync(gateway.Client,
            ApiKeyAdmin.WithToken(HttpMethod.Post, "/api/v1/models/fraud/predict", tokens.AccessToken)));
        using var refreshed = await gateway.Client.PostAsJsonAsync("/auth/refresh", new { refresh_token = tokens.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task IssueToken_JwtAsBearer_Returns401SayingKeysOnly()
    {
        var token = await ApiKeyAdmin.TokenAsync(gateway.Client, gateway.KeyWith(Scopes.Predict));

        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, "/auth/token", token.AccessToken));

        Assert.Contains("takes an API key only", (await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }
}
