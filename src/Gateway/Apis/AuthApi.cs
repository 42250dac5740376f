using System.Security.Claims;
using System.Text.Json.Serialization;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Auth.Refresh;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Apis;

/// <summary>
/// <c>POST /auth/token</c>: an API key buys a short-lived bearer token with the same scopes and plan, and
/// a refresh token for <c>POST /auth/refresh</c> (<see cref="RefreshTokenApi"/>).
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/token", IssueToken)
            .WithRoutePolicy("IssueToken")
            .WithTags("Authentication")
            .WithSummary("Exchange an API key (X-API-Key, or Authorization: Bearer mk_…) for a short-lived bearer token")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapRefreshTokenApi();
        return app;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        HttpContext http,
        ClaimsPrincipal caller,
        TokenIssuer issuer,
        RefreshTokens refreshTokens,
        IOptions<GatewayAuthOptions> options,
        IOptionsMonitor<ApiKeyOptions> apiKeys,
        CancellationToken cancellationToken)
    {
        if (options.Value.UsesAuthority)
        {
            return TypedResults.Problem(
                detail: $"This gateway accepts tokens from {options.Value.Authority} only; get one there.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var (token, lifetime) = issuer.Issue(caller);
        // The route takes API keys only (RoutePolicies.ApiKeyHolder): the refresh token is bound to the one presented.
        var presented = ApiKeyCredentials.Find(http.Request, apiKeys.Get(ApiKeyOptions.Scheme).DevApiKey)!;
        var keyHash = ApiKeySecret.Hash(presented);
        var refreshToken = await refreshTokens.IssueAsync(caller.FindFirst(GatewayClaims.KeyId)!.Value, keyHash, family: null, cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, refreshToken));
    }
}

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);
