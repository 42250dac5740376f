using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>The API key's hot path: a cached key costs no store call and no new principal; a revoked one is refused at once.</summary>
public sealed class ApiKeyFastPathTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task TryAuthenticate_KeySeenBefore_SetsTheSamePrincipalEveryTime()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "hot", [Scopes.Predict]);
        Assert.Equal(HttpStatusCode.OK, await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", key.Key)));
        var fastPath = gateway.Services.GetRequiredService<ApiKeyFastPath>();

        var first = WithKey(key.Key);
        var second = WithKey(key.Key);
        Assert.True(fastPath.TryAuthenticate(first));
        Assert.True(fastPath.TryAuthenticate(second));

        var caller = Assert.IsType<GatewayPrincipal>(first.User);
        Assert.Same(caller, second.User);
        Assert.Equal(key.Id, caller.KeyId);
        Assert.Equal(Scopes.Predict, caller.Scope);
        Assert.Null(caller.Plan); // created without a plan: the quotas' default applies
        Assert.Null(caller.FindFirst(GatewayClaims.Plan));
    }

    [Fact]
    public async Task TryAuthenticate_KeyRevoked_LeavesItToTheMiddlewareWhichRefusesIt()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "revoked-hot", [Scopes.Predict]);
        Assert.Equal(HttpStatusCode.OK, await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", key.Key)));
        var fastPath = gateway.Services.GetRequiredService<ApiKeyFastPath>();
        Assert.True(fastPath.TryAuthenticate(WithKey(key.Key)));

        using (var revoked = await ApiKeyAdmin.RevokeAsync(gateway.Client, key.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        Assert.False(fastPath.TryAuthenticate(WithKey(key.Key)));
        using var refused = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", key.Key));
        var problem = await HttpAssert.ProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void TryAuthenticate_UnknownKeyOrBearerToken_LeavesItToTheMiddleware()
    {
        var fastPath = gateway.Services.GetRequiredService<ApiKeyFastPath>();
        Assert.False(fastPath.TryAuthenticate(WithKey(ApiKeySecret.Generate())));

        var bearer = WithKey(GatewayHost.ApiKey);
        bearer.Request.Headers.Authorization = "Bearer something";
        Assert.False(fastPath.TryAuthenticate(bearer));
        Assert.False(fastPath.TryAuthenticate(new DefaultHttpContext()));
    }

    [Fact]
    public void TryAuthenticate_DevKey_GetsEveryScopeOnItsPlan()
    {
        var fastPath = gateway.Services.GetRequiredService<ApiKeyFastPath>();
        var context = WithKey(GatewayHost.ApiKey);

        Assert.True(fastPath.TryAuthenticate(context));

        var caller = Assert.IsType<GatewayPrincipal>(context.User);
        Assert.Equal(ApiKeyAuthenticationHandler.DevKeyId, caller.KeyId);
        Assert.Equal(string.Join(' ', Scopes.All), caller.Scope);
        Assert.Equal(GatewayClaims.UnlimitedPlan, caller.Plan);
    }

    [Fact]
    public void TryAuthenticate_ClaimsTransformationRegistered_StaysOff()
    {
        var services = gateway.Services;
        var fastPath = new ApiKeyFastPath(
            services.GetRequiredService<IOptionsMonitor<ApiKeyOptions>>(),
            services.GetRequiredService<ApiKeyCache>(),
            services.GetRequiredService<ApiKeyUsageRecorder>(),
            new AddsNothing());

        Assert.False(fastPath.TryAuthenticate(WithKey(GatewayHost.ApiKey)));
    }

    private static DefaultHttpContext WithKey(string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[ApiKeyOptions.HeaderName] = key;
        return context;
    }

    private sealed class AddsNothing : IClaimsTransformation
    {
        public Task<System.Security.Claims.ClaimsPrincipal> TransformAsync(System.Security.Claims.ClaimsPrincipal principal) => Task.FromResult(principal);
    }
}
