using Maestro.Gateway.Auth;
using Maestro.Gateway.Discovery;
using Maestro.Gateway.Routing;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Maestro.Gateway.Extensions;

internal static class Extensions
{
    public const string AuthSection = "Gateway:Auth";

    public static void AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayTelemetry>();
        builder.Services.AddAuthentication(ApiKeyOptions.Scheme)
            .AddScheme<ApiKeyOptions, ApiKeyAuthenticationHandler>(ApiKeyOptions.Scheme,
                options => builder.Configuration.GetSection(AuthSection).Bind(options));

        // Secure by default: every endpoint needs a caller unless it says otherwise.
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyOptions.Scheme).RequireAuthenticatedUser().Build());

        builder.Services.AddSingleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes, GatewayRoutes.Clusters)
            .AddTransforms(CallerForwarding.Apply);

        builder.Services.AddOpenApi();
    }
}
