using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Authorization's hot path: a <see cref="GatewayPrincipal"/> that meets a policy made only of "an
/// authenticated caller" and <see cref="ScopeRequirement"/>s is let through without building an
/// authorization context or a result. Anything else — a refusal included, so the 403 still names the
/// missing scope — goes to ASP.NET Core's own evaluator.
/// </summary>
internal sealed class ScopePolicyEvaluator(IAuthorizationService authorization) : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Succeeded = Task.FromResult(PolicyAuthorizationResult.Success());

    private readonly PolicyEvaluator _inner = new(authorization);

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        policy.AuthenticationSchemes.Count == 0 && context.User is GatewayPrincipal caller
            ? caller.AuthenticateTask
            : _inner.AuthenticateAsync(policy, context);

    public Task<PolicyAuthorizationResult> AuthorizeAsync(
        AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        authenticationResult.Succeeded && context.User is GatewayPrincipal caller && Meets(policy, caller, context.Request)
            ? Succeeded
            : _inner.AuthorizeAsync(policy, authenticationResult, context, resource);

    /// <summary>Whether this evaluator can decide the requirement on its own.</summary>
    public static bool IsDecidable(IAuthorizationRequirement requirement) =>
        requirement is DenyAnonymousAuthorizationRequirement or ScopeRequirement;

    /// <summary>Whether the caller meets every requirement of the policy (false for one it cannot decide).</summary>
    public static bool Meets(AuthorizationPolicy policy, GatewayPrincipal caller, HttpRequest request)
    {
        var requirements = policy.Requirements;
        for (var i = 0; i < requirements.Count; i++)
        {
            var met = requirements[i] switch
            {
                DenyAnonymousAuthorizationRequirement => caller.Identity?.IsAuthenticated == true,
                ScopeRequirement scope => Scopes.Includes(caller.Scope, scope.For(request)),
                _ => false,
            };
            if (!met)
            {
                return false;
            }
        }

        return true;
    }
}
