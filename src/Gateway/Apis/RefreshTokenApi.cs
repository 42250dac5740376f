using System.Text.Json;
using System.Text.Json.Serialization;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Auth.Refresh;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Maestro.Gateway.Apis;

/// <summary>
/// <c>POST /auth/refresh</c>: a refresh token (from <c>POST /auth/token</c> or an earlier refresh) buys a
/// new bearer token and a new refresh token; the one presented is spent. Needs no other credential.
/// </summary>
public static class RefreshTokenApi
{
    public static IEndpointRouteBuilder MapRefreshTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/refresh", RefreshAsync)
            .WithRoutePolicy("RefreshToken")
            .WithTags("Authentication")
            .WithSummary("Exchange a refresh token for a new bearer token and a new refresh token (each refresh token is good once)")
            .AddOpenApiOperationTransformer(DescribeBody)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        HttpContext http,
        RefreshTokens refreshTokens,
        TokenIssuer issuer,
        IOptions<GatewayAuthOptions> options,
        CancellationToken cancellationToken)
    {
        if (options.Value.UsesAuthority)
        {
            return TypedResults.Problem(
                detail: $"This gateway accepts tokens from {options.Value.Authority} only; refresh them there.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var (presented, problem) = await ReadAsync(http.Request, cancellationToken);
        if (presented is null)
        {
            return TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var outcome = await refreshTokens.RedeemAsync(presented, cancellationToken);
        if (outcome.Caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_grant\"";
            return TypedResults.Problem(detail: outcome.Refusal, statusCode: StatusCodes.Status401Unauthorized);
        }

        var (token, lifetime) = issuer.Issue(outcome.Caller);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, outcome.RefreshToken!));
    }

    /// <summary>
    /// The body, for the document only: an <c>Accepts</c> would also make routing refuse other media
    /// types before the handler, as a 401 of the fallback policy, where a 400 that says what to send helps.
    /// </summary>
    private static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "refresh_token" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["refresh_token"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The refresh token from POST /auth/token or the last refresh (mr_…)." },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<(string? Token, string? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const string Expected = "send {\"refresh_token\": \"mr_…\"} as application/json.";
        if (!request.HasJsonContentType())
        {
            return (null, "The body must be JSON: " + Expected);
        }

        try
        {
            var body = await request.ReadFromJsonAsync<RefreshTokenRequest>(cancellationToken);
            return body?.RefreshToken is { Length: > 0 } token ? (token, null) : (null, "'refresh_token' is missing: " + Expected);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not valid JSON ({e.Message}): " + Expected);
        }
    }
}

public sealed record RefreshTokenRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);
