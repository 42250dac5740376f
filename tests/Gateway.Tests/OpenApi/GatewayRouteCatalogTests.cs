using Maestro.Gateway.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Gateway.Tests.OpenApi;

/// <summary>Which gateway endpoint serves an OpenAPI operation, read from the gateway's real endpoint table.</summary>
public sealed class GatewayRouteCatalogTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    internal static Task<GatewayRouteCatalog> CatalogAsync(IServiceProvider services) => GatewayRouteCatalog.CreateAsync(
        services.GetRequiredService<EndpointDataSource>(),
        services.GetRequiredService<ParameterPolicyFactory>(),
        services.GetRequiredService<IAuthorizationPolicyProvider>());

    [Theory]
    [InlineData("POST", "/api/v1/models/{name}/predict", "worker", true)]
    [InlineData("POST", "/api/v1/models/{name}/batch_predict", "worker", true)]
    [InlineData("GET", "/api/v1/models/{name}/health", "worker", true)]
    [InlineData("GET", "/v2", "worker", true)]
    [InlineData("POST", "/v2/models/{name}/versions/{version}/infer", "worker", true)]
    [InlineData("GET", "/v2/health/live", "worker", false)]
    [InlineData("GET", "/v2/health/ready", "worker", false)]
    [InlineData("GET", "/api/v1/models", "registry", true)]
    [InlineData("GET", "/api/v1/models/{name}/versions", "registry", true)]
    [InlineData("POST", "/api/v1/models/{name}/versions", "registry", true)]
    [InlineData("DELETE", "/api/v1/models/{name}/versions/{version}/tags/{key}", "registry", true)]
    [InlineData("POST", "/api/v1/model-cards/{name}/versions/{version}/generate", "registry", true)]
    [InlineData("GET", "/", null, false)]
    [InlineData("GET", "/health", null, false)]
    [InlineData("GET", "/alive", null, false)]
    [InlineData("GET", "/metrics", null, true)]
    public async Task Find_RoutedOperation_ReturnsItsClusterAndWhetherItNeedsACaller(string method, string path, string? cluster, bool requiresCaller)
    {
        var catalog = await CatalogAsync(gateway.Services);

        var endpoint = catalog.Find(new HttpMethod(method), path);

        Assert.Equal(new GatewayEndpoint(cluster, requiresCaller), endpoint);
    }

    [Theory]
    [InlineData("GET", "/api/v1/changes")]
    [InlineData("POST", "/")]
    [InlineData("GET", "/internal/reindex")]
    public async Task Find_PathTheGatewayDoesNotRoute_ReturnsNull(string method, string path)
    {
        var catalog = await CatalogAsync(gateway.Services);

        Assert.Null(catalog.Find(new HttpMethod(method), path));
    }
}
