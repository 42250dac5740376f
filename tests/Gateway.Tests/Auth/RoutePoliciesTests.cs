using Maestro.Gateway.Auth;
using Maestro.Gateway.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>The one table of who may call what, against the routes the running gateway really serves.</summary>
public sealed class RoutePoliciesTests
{
    private static readonly string[] PublicPrefixes = ["/health", "/alive", "/openapi", "/docs", "/redoc", "/v2/health", "/auth/refresh"];

    [Fact]
    public async Task Endpoints_EveryOne_IsPublicOnlyAtAPublicPathAndElseDeclaresAPolicy()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (anonymous)
            {
                Assert.True(path == "/" || PublicPrefixes.Any(path.StartsWith), $"{path} is served anonymously but is not a public path.");
            }
            else
            {
                Assert.True(policies.Count > 0, $"{path} declares no policy.");
            }
        }
    }

    [Fact]
    public async Task Table_EveryEntry_NamesARouteOrEndpointThatExists()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        var names = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)
            .Concat(GatewayRoutes.Routes.Select(r => r.RouteId))
            .ToHashSet();

        Assert.All(RoutePolicies.Table.Keys, name => Assert.Contains(name, names));
    }

    [Fact]
    public void Routes_EveryProxiedRoute_CarriesItsPolicyFromTheTable()
    {
        Assert.All(GatewayRoutes.Routes, route => Assert.Equal(RoutePolicies.Table[route.RouteId], route.AuthorizationPolicy));
    }

    [Fact]
    public void For_UnlistedName_ThrowsNamingTheTable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RoutePolicies.For("registry-something-new"));

        Assert.Contains("registry-something-new", error.Message);
        Assert.Contains("RoutePolicies.Table", error.Message);
    }
}
