using Maestro.Gateway.Auth;
using Maestro.Gateway.OpenApi;

namespace Maestro.Gateway.Apis;

/// <summary>The gateway's own endpoints (everything else is proxied).</summary>
public static class GatewayApi
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Ok(new GatewayInfo(
                "Maestro",
                typeof(GatewayApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                "/openapi/v1.json",
                "/health",
                "X-API-Key or Authorization: Bearer (POST /auth/token)")))
            .WithRoutePolicy("GatewayInfo").WithSummary("What this gateway is and where its documentation lives").WithTags("Gateway");
        app.MapGatewayOpenApi();
        return app;
    }
}

public sealed record GatewayInfo(string Name, string Version, string Openapi, string Health, string Authentication);
