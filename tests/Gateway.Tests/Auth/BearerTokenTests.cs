using System.Net;
using System.Text;
using Maestro.Gateway.Auth;
using Maestro.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// The gateway's own tokens (HS256): what <c>POST /auth/token</c> hands out, and every kind of forged,
/// stale or foreign token refused with a 401. Each refusal has an accepted twin, so the tests would
/// fail if the gateway refused everything.
/// </summary>
public sealed class BearerTokenTests(SigningKeyGatewayHost gateway) : IClassFixture<SigningKeyGatewayHost>
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    private static readonly SymmetricSecurityKey GatewayKey = new(Encoding.UTF8.GetBytes(SigningKeyGatewayHost.SigningKey));

    [Fact]
    public async Task IssueToken_ValidKey_CarriesKeyIdScopesPlanAndRateLimit()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "token-user", [Scopes.Predict, Scopes.ModelsRead], "pro",
            new { requests_per_minute = 120, burst = 10 });

        var token = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);

        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(900, token.ExpiresIn);
        var payload = TestTokens.ReadPayload(token.AccessToken);
        Assert.Equal(key.Id, payload.GetProperty("sub").GetString());
        Assert.Equal("predict models:read", payload.GetProperty("scope").GetString());
        Assert.Equal("pro", payload.GetProperty("maestro:plan").GetString());
        Assert.Equal("120:10", payload.GetProperty("maestro:rate_limit").GetString());
        Assert.Equal(SigningKeyGatewayHost.Issuer, payload.GetProperty("iss").GetString());
        Assert.Equal(900, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task IssueToken_DevKey_EveryScopeAndUnlimitedPlan()
    {
        var payload = TestTokens.ReadPayload((await ApiKeyAdmin.TokenAsync(gateway.Client, GatewayHost.ApiKey)).AccessToken);

        Assert.Equal("dev-admin", payload.GetProperty("sub").GetString());
        Assert.Equal(Scopes.All.Order(), payload.GetProperty("scope").GetString()!.Split(' ').Order());
        Assert.Equal("unlimited", payload.GetProperty("maestro:plan").GetString());
        Assert.False(payload.TryGetProperty("maestro:rate_limit", out _));
    }

    [Fact]
    public async Task Bearer_IssuedToken_ReachesServiceAsItsKeyWithoutForwardingTheToken()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "bearer-user", [Scopes.Predict]);
        var token = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);

        var echo = await gateway.EchoAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token.AccessToken));

        Assert.StartsWith("worker-", echo.Backend);
        Assert.Equal(key.Id, echo.Caller);
        Assert.Null(echo.Authorization);
    }

    [Fact]
    public async Task Bearer_TokenOfARevokedKey_Returns401SayingTheKeyIsRevoked()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "revoked-later", [Scopes.Predict]);
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).AccessToken;
        Assert.Equal(HttpStatusCode.OK, await SendAsync(token));

        (await ApiKeyAdmin.RevokeAsync(gateway.Client, key.Id)).Dispose();

        await AssertRefusedAsync(token, "revoked");
    }

    [Fact]
    public async Task Bearer_SignedTokenForAKeyIdThatDoesNotExist_Returns401()
    {
        var claims = new Dictionary<string, object>(TestTokens.AllScopeClaims) { ["sub"] = "key_neverissued" };

        await AssertRefusedAsync(TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience, claims: claims));
    }

    [Fact]
    public async Task IssueToken_WithABearerTokenInsteadOfAKey_Returns401()
    {
        var token = await ApiKeyAdmin.TokenAsync(gateway.Client, GatewayHost.ApiKey);

        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, "/auth/token", token.AccessToken));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("API key only", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bearer_TokenSignedWithTheGatewayKey_Accepted()
    {
        var token = TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience);

        Assert.Equal(HttpStatusCode.OK, await SendAsync(token));
    }

    [Fact]
    public async Task Bearer_HandAssembledHs256WithTheGatewayKey_Accepted()
    {
        var token = TestTokens.HmacSigned(new { alg = "HS256", typ = "JWT" }, Payload(), Encoding.UTF8.GetBytes(SigningKeyGatewayHost.SigningKey));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(token));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public async Task Bearer_AlgNone_Returns401(string alg)
    {
        var unsigned = TestTokens.Assemble(new { alg, typ = "JWT" }, Payload(), signature: null);

        await AssertRefusedAsync(unsigned);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("nOnE")]
    public async Task Bearer_AlgNoneWithAValidSignatureAppended_Returns401(string alg)
    {
        var valid = TestTokens.HmacSigned(new { alg = "HS256", typ = "JWT" }, Payload(), Encoding.UTF8.GetBytes(SigningKeyGatewayHost.SigningKey));
        var parts = valid.Split('.');
        var relabelled = TestTokens.Assemble(new { alg, typ = "JWT" }, Payload(), null) + parts[2];

        await AssertRefusedAsync(relabelled);
    }

    [Fact]
    public async Task Bearer_TamperedPayload_Returns401()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "tamper", [Scopes.ModelsRead]);
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).AccessToken;
        var payload = TestTokens.ReadPayload(token);
        var widened = new Dictionary<string, object>
        {
            ["sub"] = payload.GetProperty("sub").GetString()!,
            ["scope"] = "models:read predict admin",
            ["maestro:plan"] = "unlimited",
            ["iss"] = payload.GetProperty("iss").GetString()!,
            ["aud"] = payload.GetProperty("aud").GetString()!,
            ["iat"] = payload.GetProperty("iat").GetInt64(),
            ["nbf"] = payload.GetProperty("nbf").GetInt64(),
            ["exp"] = payload.GetProperty("exp").GetInt64(),
        };

        await AssertRefusedAsync(TestTokens.WithPayload(token, widened), "signature");
    }

    [Fact]
    public async Task Bearer_SignedWithAnotherKey_Returns401()
    {
        var other = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-key-of-plenty-length-0123456789-abcdef"));

        await AssertRefusedAsync(TestTokens.Sign(other, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience));
    }

    [Fact]
    public async Task Bearer_Hs384WithTheGatewayKey_Returns401BecauseOnlyHs256IsAllowed()
    {
        var token = TestTokens.HmacSigned(new { alg = "HS384", typ = "JWT" }, Payload(),
            Encoding.UTF8.GetBytes(SigningKeyGatewayHost.SigningKey), System.Security.Cryptography.HashAlgorithmName.SHA384);

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task Bearer_Expired_Returns401SayingSo()
    {
        var token = TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience,
            notBefore: DateTime.UtcNow.AddMinutes(-20), expires: DateTime.UtcNow.AddMinutes(-2));

        await AssertRefusedAsync(token, "expired");
    }

    [Fact]
    public async Task Bearer_NotYetValid_Returns401()
    {
        var token = TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience,
            notBefore: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(20));

        await AssertRefusedAsync(token, "not valid yet");
    }

    [Fact]
    public async Task Bearer_WrongIssuer_Returns401()
    {
        await AssertRefusedAsync(TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, "https://evil.example", SigningKeyGatewayHost.Audience), "issuer");
    }

    [Fact]
    public async Task Bearer_WrongAudience_Returns401()
    {
        await AssertRefusedAsync(TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, "another-api"), "audience");
    }

    [Fact]
    public async Task Bearer_Oversized_Returns401SayingHowLargeIsAllowed()
    {
        var claims = new Dictionary<string, object>(TestTokens.AllScopeClaims) { ["padding"] = new string('x', 12_000) };
        var token = TestTokens.Sign(GatewayKey, SecurityAlgorithms.HmacSha256, SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience, claims: claims);

        await AssertRefusedAsync(token, "at most 8192");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.!!!.AAAA")]
    public async Task Bearer_Garbage_Returns401(string token)
    {
        await AssertRefusedAsync(token);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Token abc")]
    public async Task Authorization_NotABearerToken_Returns401SayingWhatToSend(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PredictPath);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await gateway.Client.SendAsync(request);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer <token>", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bearer_RefusedOnAV2Route_Returns401V2Error()
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, "/v2/models/fraud/infer", "garbage"));

        await HttpAssert.V2ErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    private static Dictionary<string, object> Payload() => TestTokens.Payload(SigningKeyGatewayHost.Issuer, SigningKeyGatewayHost.Audience);

    private async Task<HttpStatusCode> SendAsync(string token) =>
        await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

    private async Task AssertRefusedAsync(string token, string? reason = null)
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        if (reason is not null)
        {
            Assert.Contains(reason, problem.GetProperty("detail").GetString());
        }
    }
}
