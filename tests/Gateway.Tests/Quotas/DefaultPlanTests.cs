using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Tests.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// One default plan, owned by quotas (<c>Gateway:Quotas:DefaultPlan</c>): a key created without a plan,
/// and every token issued for it, carry none, and are counted on whatever the default plan is.
/// </summary>
public sealed class DefaultPlanTests : IAsyncLifetime
{
    private EchoBackend _backend = null!;
    private QuotaGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync("backend");
        _gateway = QuotaGateway.Start(_backend, redis: null, new FakeTimeProvider(DateTimeOffset.UtcNow) /* tokens are checked against the real clock */,
            ("Gateway:Quotas:DefaultPlan", QuotaGateway.TestPlan),
            ("Gateway:Auth:SigningKey", "a-signing-key-of-at-least-thirty-two-bytes-for-tests"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Predict_KeyAndTokenWithoutPlan_CountedOnTheConfiguredDefaultPlan()
    {
        var key = await ApiKeyAdmin.CreateAsync(_gateway.Client, "no-plan", [Scopes.Predict]);
        Assert.Equal(QuotaGateway.TestPlan, key.Plan); // shown as the plan it is on now

        var token = await ApiKeyAdmin.TokenAsync(_gateway.Client, key.Key);
        Assert.False(TestTokens.ReadPayload(token.AccessToken).TryGetProperty("maestro:plan", out _));

        // Plan "test" allows bursts of 3: getting the token took one; one with the key, one with its token, then both are refused.
        var statuses = new List<HttpStatusCode>();
        foreach (var request in new[]
        {
            Predict(ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, key.Key)),
            Predict(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token.AccessToken)),
            Predict(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token.AccessToken)),
            Predict(ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, key.Key)),
        })
        {
            using var response = await _gateway.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
            Assert.True(response.Headers.TryGetValues("RateLimit-Policy", out var policy), $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.StartsWith($"\"{QuotaGateway.TestPlan}\"", policy.Single());
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public void Principal_NoPlanNamed_CarriesNoPlanClaim()
    {
        var caller = GatewayClaims.Principal("key_x", [Scopes.Predict], plan: null, rateLimit: null, ApiKeyOptions.Scheme);

        Assert.Null(caller.FindFirst(GatewayClaims.Plan));
        Assert.Null(caller.Plan);
    }

    private const string PredictPath = "/api/v1/models/fraud/predict";

    private static HttpRequestMessage Predict(HttpRequestMessage request)
    {
        request.Content = new StringContent("""{"features": [0.5, 1.2, 3.4]}""", System.Text.Encoding.UTF8, "application/json");
        return request;
    }
}
