using System.Security.Claims;
using System.Text.Json.Serialization;
using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Apis;

/// <summary><c>POST /auth/token</c>: an API key buys a short-lived bearer token with the same scopes and plan.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/token", IssueToken)
            .WithRoutePolicy("IssueToken")
            .WithTags("Authentication")
            .WithSummary("Exchange the API key in X-API-Key for a short-lived bearer token")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static Results<Ok<TokenResponse>, ProblemHttpResult> IssueToken(
        ClaimsPrincipal caller,
        TokenIssuer issuer,
        IOptions<GatewayAuthOptions> options)
    {
        if (options.Value.UsesAuthority)
        {
            return TypedResults.Problem(
                detail: $"This gateway accepts tokens from {options.Value.Authority} only; get one there.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var (token, lifetime) = issuer.Issue(caller);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }
}

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
