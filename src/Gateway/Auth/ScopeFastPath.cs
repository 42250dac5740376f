using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Authorization's hot path, before ASP.NET Core's authorization middleware: on an endpoint whose
/// policy is only "an authenticated caller" plus <see cref="ScopeRequirement"/>s (every proxied route
/// and most of the gateway's own), a <see cref="GatewayPrincipal"/> that meets it goes on at the cost of
/// a scope comparison. The policy of each endpoint is combined once, as the middleware combines it.
/// Everything else — anonymous endpoints, policies naming schemes, a caller that lacks a scope (whose 403
/// names the scope) — goes through the middleware.
/// </summary>
internal sealed class ScopeFastPath(IAuthorizationPolicyProvider policies)
{
    // What the authorization middleware leaves for the endpoint middleware, which refuses to run an endpoint with authorization metadata without it.
    private const string AuthorizationInvokedKey = "__AuthorizationMiddlewareWithEndpointInvoked";
    private static readonly object Invoked = true;

    private readonly ConditionalWeakTable<Endpoint, Decidable> _endpoints = [];

    public bool TryAuthorize(HttpContext context)
    {
        if (context.User is not GatewayPrincipal caller || context.GetEndpoint() is not { } endpoint
            || _endpoints.GetValue(endpoint, Inspect).Policy is not { } policy || !ScopePolicyEvaluator.Meets(policy, caller, context.Request))
        {
            return false;
        }

        context.Items[AuthorizationInvokedKey] = Invoked;
        return true;
    }

    private Decidable Inspect(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null || metadata.GetOrderedMetadata<IAuthorizationRequirementData>().Count > 0)
        {
            return Decidable.No;
        }

        // Our policies are registered at start: the provider answers at once.
        var policy = AuthorizationPolicy.CombineAsync(policies, metadata.GetOrderedMetadata<IAuthorizeData>(), metadata.GetOrderedMetadata<AuthorizationPolicy>())
            .GetAwaiter().GetResult();
        return policy is { AuthenticationSchemes.Count: 0 } && policy.Requirements.All(ScopePolicyEvaluator.IsDecidable)
            ? new Decidable(policy)
            : Decidable.No;
    }

    private sealed record Decidable(AuthorizationPolicy? Policy)
    {
        public static readonly Decidable No = new((AuthorizationPolicy?)null);
    }
}
