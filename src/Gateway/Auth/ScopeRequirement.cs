using Microsoft.AspNetCore.Authorization;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The caller's <c>scope</c> claim must hold <see cref="ReadScope"/> for a GET, HEAD or OPTIONS and
/// <see cref="WriteScope"/> for anything else (the two are the same for single-scope policies).
/// </summary>
internal sealed class ScopeRequirement(string readScope, string writeScope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public ScopeRequirement(string scope) : this(scope, scope)
    {
    }

    public string ReadScope { get; } = readScope;

    public string WriteScope { get; } = writeScope;

    /// <summary>The scope a request with this method needs; unknown methods need the write scope.</summary>
    public string For(string? method) =>
        method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)) ? ReadScope : WriteScope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var method = (context.Resource as HttpContext)?.Request.Method;
        if (Scopes.Includes(context.User.FindFirst(GatewayClaims.Scope)?.Value, requirement.For(method)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
