using Maestro.Gateway.Errors;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Maestro.Gateway.Auth;

/// <summary>
/// A caller who lacks a scope gets a 403 problem (<c>{"error"}</c> under <c>/v2</c>) naming the scope
/// the call needs and the scopes the caller has; everything else is handled as ASP.NET Core does.
/// </summary>
internal sealed class ScopeForbiddenResultHandler(GatewayTelemetry telemetry) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault() is { } missing)
        {
            telemetry.AuthenticationFailed("forbidden");
            var granted = context.User.FindFirst(GatewayClaims.Scope)?.Value;
            await GatewayErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"{context.Request.Method} {context.Request.Path} needs the '{missing.For(context.Request)}' scope; "
                + $"the credentials sent carry {(string.IsNullOrWhiteSpace(granted) ? "no scope" : $"'{granted}'")}.");
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
