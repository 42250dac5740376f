using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.Configuration;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Who may call what — every route of the gateway declares its policy here, in one table. A proxied
/// route (by its YARP route id) or a gateway endpoint (by its endpoint name) missing from the table
/// stops the gateway at start. Paths matched by no route still need an authenticated caller (the
/// fallback policy), so an unknown path answers 401 before 404. Served anonymously outside this
/// table: <c>/health</c> and <c>/alive</c> (ServiceDefaults), <c>/openapi/*</c>, <c>/docs</c>, <c>/redoc</c>.
/// </summary>
internal static class RoutePolicies
{
    /// <summary>No credentials needed (YARP's reserved policy name; <c>AllowAnonymous</c> for endpoints).</summary>
    public const string Anonymous = "anonymous";

    /// <summary><c>models:read</c> for GET/HEAD/OPTIONS, <c>models:write</c> for any change.</summary>
    public const string Models = "models";

    /// <summary>Any valid API key (not a bearer token: a token is not exchanged for a fresh one).</summary>
    public const string ApiKeyHolder = "api-key";

    public static IReadOnlyDictionary<string, string> Table { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Proxied routes (Routing/GatewayRoutes.cs)
        ["worker-seed"] = Scopes.Predict,                 // predict, batch_predict, per-model health
        ["worker-v2-health"] = Anonymous,                 // /v2/health/live|ready: probes
        ["worker-v2"] = Scopes.Predict,                   // V2 infer and metadata
        ["registry-upload"] = Scopes.ModelsWrite,
        ["registry-models"] = Models,
        ["registry-model-cards"] = Models,
        ["registry-mlflow"] = Models,                     // MLflow 2.0: GET reads, the rest (POST/PATCH/DELETE) writes

        // The gateway's own endpoints (Apis/)
        ["GatewayInfo"] = Anonymous,
        ["IssueToken"] = ApiKeyHolder,
        ["RefreshToken"] = Anonymous,                     // the refresh token in the body is the credential
        ["CreateApiKey"] = Scopes.Admin,
        ["ListApiKeys"] = Scopes.Admin,
        ["RevokeApiKey"] = Scopes.Admin,
        ["ListAuditEvents"] = Scopes.Admin,
        ["Metrics"] = Scopes.Metrics,                     // or admin, which implies it (Scopes.Includes)
    };

    /// <summary>The policy of a route or endpoint.</summary>
    /// <exception cref="InvalidOperationException">It is not in <see cref="Table"/>.</exception>
    public static string For(string name) => Table.TryGetValue(name, out var policy)
        ? policy
        : throw new InvalidOperationException($"'{name}' declares no authorization policy: add it to {nameof(RoutePolicies)}.{nameof(Table)}.");

    /// <summary>The routes, each with its policy from the table.</summary>
    public static IReadOnlyList<RouteConfig> Apply(IEnumerable<RouteConfig> routes) =>
        [.. routes.Select(route => route with { AuthorizationPolicy = For(route.RouteId) })];

    /// <summary>Names the endpoint and requires its policy from the table.</summary>
    public static TBuilder WithRoutePolicy<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder
    {
        var policy = For(name);
        builder.WithName(name);
        return policy == Anonymous ? builder.AllowAnonymous() : builder.RequireAuthorization(policy);
    }

    /// <summary>Registers every policy the table names.</summary>
    public static void AddPolicies(AuthorizationBuilder authorization)
    {
        foreach (var scope in Scopes.All)
        {
            authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
        }

        authorization.AddPolicy(Models, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(Scopes.ModelsRead, Scopes.ModelsWrite)));
        authorization.AddPolicy(ApiKeyHolder, policy => policy.AddAuthenticationSchemes(ApiKeyOptions.Scheme).RequireAuthenticatedUser());

        // Secure by default: whatever declares nothing needs a caller.
        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }
}
