using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>An administrator creates, lists and revokes keys; a key holder uses one.</summary>
public sealed partial class ApiKeysApiTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Create_ThenUseListRevoke_KeyWorksUntilRevokedAndIsNeverShownAgain()
    {
        var created = await ApiKeyAdmin.CreateAsync(gateway.Client, "ci-pipeline", [Scopes.Predict]);
        Assert.Matches(KeyShape(), created.Key);
        Assert.Equal("ci-pipeline", created.Name);
        Assert.Equal([Scopes.Predict], created.Scopes);
        Assert.Equal("free", created.Plan);

        var echo = await gateway.EchoAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", created.Key));
        Assert.Equal(created.Id, echo.Caller);
        Assert.Null(echo.ApiKey);

        var (body, list) = await ApiKeyAdmin.ListAsync(gateway.Client);
        var listed = Assert.Single(list.ApiKeys, k => k.Id == created.Id);
        Assert.Equal("ci-pipeline", listed.Name);
        Assert.Equal("dev-admin", listed.Owner);
        Assert.Null(listed.Revoked);
        Assert.DoesNotContain(created.Key, body);
        Assert.DoesNotContain(ApiKeySecret.Hash(created.Key), body);
        Assert.DoesNotContain("hash", body);

        using (var revoked = await ApiKeyAdmin.RevokeAsync(gateway.Client, created.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var refused = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", created.Key));
        var problem = await HttpAssert.ProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
        Assert.NotNull(Assert.Single((await ApiKeyAdmin.ListAsync(gateway.Client)).List.ApiKeys, k => k.Id == created.Id).Revoked);
    }

    [Fact]
    public async Task Create_WithPlanAndRateLimit_ReturnsThemAndListsThem()
    {
        var created = await ApiKeyAdmin.CreateAsync(gateway.Client, "partner", [Scopes.Predict, Scopes.ModelsRead], "pro",
            new { requests_per_minute = 600, burst = 20 });

        Assert.Equal("pro", created.Plan);
        Assert.Equal(new ApiKeyRateLimit(600, 20), created.RateLimit);
        var listed = Assert.Single((await ApiKeyAdmin.ListAsync(gateway.Client)).List.ApiKeys, k => k.Id == created.Id);
        Assert.Equal(new ApiKeyRateLimit(600, 20), listed.RateLimit);
        Assert.Equal([Scopes.Predict, Scopes.ModelsRead], listed.Scopes);
    }

    [Fact]
    public async Task Create_TwoKeys_DifferentSecretsAndIds()
    {
        var first = await ApiKeyAdmin.CreateAsync(gateway.Client, "a", [Scopes.Predict]);
        var second = await ApiKeyAdmin.CreateAsync(gateway.Client, "b", [Scopes.Predict]);

        Assert.NotEqual(first.Key, second.Key);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [InlineData("""{"scopes": ["predict"]}""", "'name' is required")]
    [InlineData("""{"name": "   ", "scopes": ["predict"]}""", "'name' is required")]
    [InlineData("""{"name": "x"}""", "'scopes' is required")]
    [InlineData("""{"name": "x", "scopes": []}""", "'scopes' is required")]
    [InlineData("""{"name": "x", "scopes": ["predict", "root"]}""", "Unknown scope 'root'")]
    [InlineData("""{"name": "x", "scopes": [null]}""", "Unknown scope")]
    [InlineData("""{"name": "x", "scopes": ["predict"], "plan": "platinum"}""", "Unknown plan 'platinum': use one of free, pro, unlimited")]
    [InlineData("""{"name": "x", "scopes": ["predict"], "rate_limit": {"requests_per_minute": 0, "burst": 5}}""", "'rate_limit'")]
    [InlineData("""{"name": "x", "scopes": ["predict"], "rate_limit": {"requests_per_minute": 10, "burst": -1}}""", "'rate_limit'")]
    public async Task Create_InvalidRequest_Returns400ProblemWithTheReason(string json, string reason)
    {
        var response = await PostAsync(json);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"name": """)]
    [InlineData("""{"name": "x", "scopes": "predict"}""")]
    [InlineData("""{"name": "x", "scopes": ["predict"], "rate_limit": {"requests_per_minute": "many"}}""")]
    public async Task Create_MalformedJson_Returns400Problem(string json)
    {
        await HttpAssert.ProblemAsync(await PostAsync(json), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_UnknownCharset_Returns415ProblemSayingSendUtf8()
    {
        // Found by the fuzz test (tests/EndToEnd.Tests/Fuzz): this was a 500.
        using var request = GatewayHost.Authenticated(HttpMethod.Post, "/admin/api-keys");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"name": "x", "scopes": ["predict"]}"""));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-99");

        var problem = await HttpAssert.ProblemAsync(await gateway.Client.SendAsync(request), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("charset 'utf-99'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_NotJson_Returns415ProblemAskingForJson()
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Post, "/admin/api-keys");
        request.Content = new StringContent("name=x&scopes=predict", Encoding.UTF8, "application/x-www-form-urlencoded");

        var problem = await HttpAssert.ProblemAsync(await gateway.Client.SendAsync(request), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("send application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_NameTooLong_Returns400Problem()
    {
        var response = await PostAsync($$"""{"name": "{{new string('n', 101)}}", "scopes": ["predict"]}""");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Revoke_UnknownId_Returns404Problem()
    {
        using var response = await ApiKeyAdmin.RevokeAsync(gateway.Client, "key_doesnotexist");

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("key_doesnotexist", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoke_Twice_SecondAlso204AndKeepsTheFirstTime()
    {
        var created = await ApiKeyAdmin.CreateAsync(gateway.Client, "twice", [Scopes.Predict]);
        (await ApiKeyAdmin.RevokeAsync(gateway.Client, created.Id)).Dispose();
        var first = Assert.Single((await ApiKeyAdmin.ListAsync(gateway.Client)).List.ApiKeys, k => k.Id == created.Id).Revoked;

        using var again = await ApiKeyAdmin.RevokeAsync(gateway.Client, created.Id);

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(first, Assert.Single((await ApiKeyAdmin.ListAsync(gateway.Client)).List.ApiKeys, k => k.Id == created.Id).Revoked);
    }

    [Theory]
    [InlineData("mk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mk_")]
    [InlineData("mk_short")]
    public async Task Authenticate_MadeUpKey_Returns401(string key)
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Get, "/api/v1/models", key));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("does not accept", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Authenticate_OverlongKey_Returns401()
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Get, "/api/v1/models", "mk_" + new string('A', 5000)));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        var request = GatewayHost.Authenticated(HttpMethod.Post, "/admin/api-keys");
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await gateway.Client.SendAsync(request);
    }

    [GeneratedRegex("^mk_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyShape();
}
