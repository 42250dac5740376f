using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Gateway.Apis;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>
/// <c>POST /auth/refresh</c> through the real gateway, once over each store (see the two classes at the
/// end): rotation, single use with the family revoked on reuse, revocation with the key, expiry.
/// </summary>
public abstract class RefreshTokenTests(RefreshGatewayHost gateway)
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    [Fact]
    public async Task IssueToken_ApiKey_AlsoReturnsAnOpaqueRefreshTokenNotToBeCached()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-issue", [Scopes.Predict]);

        using var request = ApiKeyAdmin.WithKey(HttpMethod.Post, "/auth/token", key.Key);
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.StartsWith("mr_", token.RefreshToken);
        Assert.Equal(3 + 43, token.RefreshToken!.Length); // 32 random bytes in base64url, not a JWT
        Assert.DoesNotContain('.', token.RefreshToken);
    }

    [Fact]
    public async Task Refresh_ValidToken_ReturnsAWorkingAccessTokenAndARotatedRefreshToken()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-rotate", [Scopes.Predict, Scopes.ModelsRead], "pro");
        var first = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);

        var (status, second, _) = await RefreshAsync(first.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(first.RefreshToken, second!.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(900, second.ExpiresIn);
        var payload = TestTokens.ReadPayload(second.AccessToken);
        Assert.Equal(key.Id, payload.GetProperty("sub").GetString());
        Assert.Equal("predict models:read", payload.GetProperty("scope").GetString());
        Assert.Equal("pro", payload.GetProperty("maestro:plan").GetString());
        var echo = await gateway.EchoAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, second.AccessToken));
        Assert.Equal(key.Id, echo.Caller);

        var (thirdStatus, third, _) = await RefreshAsync(second.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, thirdStatus);
        Assert.NotEqual(second.RefreshToken, third!.RefreshToken);
    }

    [Fact]
    public async Task Refresh_DevKeyToken_KeepsEveryScope()
    {
        var first = await ApiKeyAdmin.TokenAsync(gateway.Client, GatewayHost.ApiKey);

        var (status, second, _) = await RefreshAsync(first.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, status);
        var payload = TestTokens.ReadPayload(second!.AccessToken);
        Assert.Equal("dev-admin", payload.GetProperty("sub").GetString());
        Assert.Equal(Scopes.All.Order(), payload.GetProperty("scope").GetString()!.Split(' ').Order());
    }

    [Fact]
    public async Task Refresh_UsedTokenPresentedAgain_Returns401AndRevokesEveryTokenOfItsFamily()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-reuse", [Scopes.Predict]);
        var first = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);
        var (_, second, _) = await RefreshAsync(first.RefreshToken!);

        var (reuseStatus, _, reuse) = await RefreshAsync(first.RefreshToken!);
        var (successorStatus, _, successor) = await RefreshAsync(second!.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, reuseStatus);
        Assert.Contains("already used", reuse);
        Assert.Equal(HttpStatusCode.Unauthorized, successorStatus);
        Assert.Contains("used twice", successor);

        // Another family of the same key is untouched: a new POST /auth/token starts afresh.
        var fresh = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(fresh.RefreshToken!)).Status);
    }

    [Fact]
    public async Task Refresh_SameTokenTenTimesAtOnce_AtMostOneSucceedsAndTheFamilyEndsRevoked()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-race", [Scopes.Predict]);
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).RefreshToken!;

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RefreshAsync(token)));

        // The store lets exactly one redemption through; the nine reuses revoke the family, which may
        // reach that one before it is answered. Either way no two callers hold live tokens.
        var granted = results.Where(r => r.Status == HttpStatusCode.OK).ToList();
        Assert.True(granted.Count <= 1, $"{granted.Count} callers got tokens");
        Assert.Equal(10 - granted.Count, results.Count(r => r.Status == HttpStatusCode.Unauthorized));
        Assert.True(results.Count(r => r.Detail?.Contains("already used", StringComparison.Ordinal) == true) >= 9);
        foreach (var (_, tokens, _) in granted)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(tokens!.RefreshToken!)).Status);
        }
    }

    [Fact]
    public async Task Refresh_TokenOfARevokedKey_Returns401SayingSo()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-revoked", [Scopes.Predict]);
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).RefreshToken!;
        var (_, rotated, _) = await RefreshAsync(token);

        (await ApiKeyAdmin.RevokeAsync(gateway.Client, key.Id)).Dispose();
        var (status, _, detail) = await RefreshAsync(rotated!.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("revoked", detail);
    }

    [Fact]
    public async Task Refresh_AfterItsLifetime_Returns401SayingItExpired()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "refresh-expiry", [Scopes.Predict]);
        var early = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).RefreshToken!;
        var late = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).RefreshToken!;
        var lifetime = new GatewayAuthOptions().RefreshTokenLifetime;

        gateway.Clock.Advance(lifetime - TimeSpan.FromSeconds(1));
        var (withinStatus, _, _) = await RefreshAsync(early);
        gateway.Clock.Advance(TimeSpan.FromSeconds(2));
        var (afterStatus, _, detail) = await RefreshAsync(late);

        Assert.Equal(HttpStatusCode.OK, withinStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, afterStatus);
        Assert.Contains("expired", detail);
    }

    [Fact]
    public async Task AccessToken_GatewayClockPastItsLifetime_Returns401SayingItExpired()
    {
        // Tokens are dated and checked on the gateway's one clock: moving it expires them.
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "access-expiry", [Scopes.Predict]);
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).AccessToken;

        gateway.Clock.Advance(new GatewayAuthOptions().TokenLifetime + GatewayAuthOptions.MaxClockSkew + TimeSpan.FromSeconds(1));
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", detail);
    }

    [Fact]
    public async Task Refresh_UnknownToken_Returns401NamingWhatToDo()
    {
        var (status, _, detail) = await RefreshAsync("mr_" + new string('A', 43));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("POST /auth/token", detail);
    }

    [Fact]
    public async Task Refresh_AccessTokenInsteadOfARefreshToken_Returns401()
    {
        var access = (await ApiKeyAdmin.TokenAsync(gateway.Client, GatewayHost.ApiKey)).AccessToken;

        var (status, _, detail) = await RefreshAsync(access);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("mr_", detail);
    }

    [Theory]
    [InlineData("{}", "application/json", "missing")]
    [InlineData("{\"refresh_token\": ", "application/json", "not valid JSON")]
    [InlineData("refresh_token=mr_x", "application/x-www-form-urlencoded", "must be JSON")]
    public async Task Refresh_MalformedBody_Returns400Problem(string body, string contentType, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await gateway.Client.PostAsync("/auth/refresh", content);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Store_KeepsOnlyTheHashOfARefreshToken()
    {
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, GatewayHost.ApiKey)).RefreshToken!;

        var stored = await StoredTextAsync();

        Assert.Contains(ApiKeySecret.Hash(token), stored);
        Assert.DoesNotContain(token, stored);
        Assert.DoesNotContain(token[3..], stored);
    }

    /// <summary>Everything the store holds, as text: every Redis value, or the data directory's file.</summary>
    private async Task<string> StoredTextAsync()
    {
        if (gateway.Redis is { } redis)
        {
            await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            var text = new StringBuilder();
            await foreach (var key in server.KeysAsync(pattern: "maestro:refresh-tokens:*"))
            {
                text.AppendLine(key.ToString());
                foreach (var field in await connection.GetDatabase().HashGetAllAsync(key))
                {
                    text.AppendLine(field.Value.ToString());
                }
            }

            return text.ToString();
        }

        var path = Path.Combine(gateway.DataDirectory!, "refresh-tokens.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        return await File.ReadAllTextAsync(path);
    }

    private async Task<(HttpStatusCode Status, TokenResponse? Tokens, string? Detail)> RefreshAsync(string refreshToken)
    {
        using var response = await gateway.Client.PostAsJsonAsync("/auth/refresh", new { refresh_token = refreshToken });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response.StatusCode, JsonSerializer.Deserialize<TokenResponse>(body), null);
        }

        var problem = await HttpAssert.ProblemAsync(response, response.StatusCode);
        return (response.StatusCode, null, problem.GetProperty("detail").GetString());
    }
}
