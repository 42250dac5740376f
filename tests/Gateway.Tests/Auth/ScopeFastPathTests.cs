using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Authorization's hot path decides only what it can: a met scope; anything else is the middleware's.</summary>
public sealed class ScopeFastPathTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Fact]
    public void TryAuthorize_ScopeHeld_PassesAndMarksTheEndpointAuthorized()
    {
        var context = Caller(Scopes.Predict, new AuthorizeAttribute(Scopes.Predict));

        Assert.True(FastPath.TryAuthorize(context));
        Assert.True(context.Items.ContainsKey("__AuthorizationMiddlewareWithEndpointInvoked"));
    }

    [Theory]
    [InlineData("GET", Scopes.ModelsRead, true)]
    [InlineData("DELETE", Scopes.ModelsRead, false)]
    [InlineData("DELETE", Scopes.ModelsWrite, true)]
    public void TryAuthorize_ReadWritePolicy_NeedsTheScopeOfTheMethod(string method, string held, bool passes)
    {
        var context = Caller(held, new AuthorizeAttribute(RoutePolicies.Models));
        context.Request.Method = method;

        Assert.Equal(passes, FastPath.TryAuthorize(context));
    }

    [Fact]
    public void TryAuthorize_ScopeMissingAnonymousEndpointOrOtherCaller_LeftToTheMiddleware()
    {
        Assert.False(FastPath.TryAuthorize(Caller(Scopes.ModelsRead, new AuthorizeAttribute(Scopes.Predict))));
        Assert.False(FastPath.TryAuthorize(Caller(Scopes.Predict, new AuthorizeAttribute(Scopes.Predict), new AllowAnonymousAttribute())));
        Assert.False(FastPath.TryAuthorize(Caller(Scopes.Predict, new AuthorizeAttribute(RoutePolicies.ApiKeyHolder)))); // names a scheme

        var stranger = Caller(Scopes.Predict, new AuthorizeAttribute(Scopes.Predict));
        stranger.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(GatewayClaims.Scope, Scopes.Predict)], "other"));
        Assert.False(FastPath.TryAuthorize(stranger));
    }

    private ScopeFastPath FastPath => gateway.Services.GetRequiredService<ScopeFastPath>();

    private static DefaultHttpContext Caller(string scope, params object[] metadata)
    {
        var context = new DefaultHttpContext { User = GatewayClaims.Principal("key_test", [scope], null, null, ApiKeyOptions.Scheme) };
        context.Request.Method = "POST";
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test"));
        return context;
    }
}
