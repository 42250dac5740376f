using Maestro.Gateway.Errors;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The gateway's side of JwtBearer: oversized tokens are refused unread; a valid token's claims are
/// turned into the gateway's own (<see cref="GatewayClaims"/>: subject as key id, one scope claim,
/// plan); a token of the gateway's own whose key has been revoked is refused; a refusal is a 401 problem (<c>{"error"}</c> under <c>/v2</c>) that says why.
/// </summary>
internal sealed class BearerTokenEvents(IOptions<GatewayAuthOptions> options, ApiKeyCache keys, GatewayTelemetry telemetry) : JwtBearerEvents
{
    private const string BearerPrefix = "Bearer ";

    public override Task MessageReceived(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var limit = options.Value.MaxTokenBytes;
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && header.Length - BearerPrefix.Length > limit)
        {
            context.Fail(new OversizedTokenException(header.Length - BearerPrefix.Length, limit));
        }

        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var token = context.Principal!;
        var subject = token.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail("The bearer token names no subject (sub).");
            return;
        }

        // The gateway's own tokens stand for a key: they stop working when it is revoked, like the key.
        if (!options.Value.UsesAuthority && subject != ApiKeyAuthenticationHandler.DevKeyId
            && await keys.FindByIdAsync(subject, context.HttpContext.RequestAborted) is not { IsRevoked: false })
        {
            context.Fail(new RevokedKeyTokenException());
            return;
        }

        var scopes = token.FindAll(GatewayClaims.Scope).Concat(token.FindAll("scp"))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal);
        context.Principal = GatewayClaims.Principal(
            subject,
            scopes,
            token.FindFirst(GatewayClaims.Plan)?.Value,
            ApiKeyRateLimit.FromClaimValue(token.FindFirst(GatewayClaims.RateLimit)?.Value),
            JwtBearerDefaults.AuthenticationScheme);
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (reason, detail) = BearerTokenFailure.Describe(context.AuthenticateFailure, options.Value);
        telemetry.AuthenticationFailed(reason);
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await GatewayErrors.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, detail);
    }
}
