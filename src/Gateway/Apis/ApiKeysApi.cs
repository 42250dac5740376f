using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Maestro.Gateway.Audit;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.Gateway.Apis;

/// <summary>
/// <c>/admin/api-keys</c> (scope <c>admin</c>): create a key (the only time it is shown), list keys
/// (never a secret or a hash), revoke one — every replica refuses it within seconds.
/// </summary>
public static class ApiKeysApi
{
    public const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/admin/api-keys").WithTags("API keys");
        api.MapPost("/", CreateAsync)
            .WithRoutePolicy("CreateApiKey")
            .WithSummary("Create an API key; the response is the only time the key is shown")
            .Accepts<CreateApiKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/", ListAsync)
            .WithRoutePolicy("ListApiKeys")
            .WithSummary("List API keys (without secrets), revoked ones included");
        api.MapDelete("/{id}", RevokeAsync)
            .WithRoutePolicy("RevokeApiKey")
            .WithSummary("Revoke an API key on every gateway replica")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        HttpRequest http,
        ClaimsPrincipal caller,
        ApiKeyPlans plans,
        IApiKeyStore store,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(http, cancellationToken);
        if (request is not null)
        {
            problem = Validate(request, plans);
        }

        if (request is null || problem is not null)
        {
            return TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var secret = ApiKeySecret.Generate();
        var key = new ApiKeyRecord
        {
            Id = ApiKeySecret.NewId(),
            Hash = ApiKeySecret.Hash(secret),
            Name = request.Name!.Trim(),
            Owner = caller.FindFirst(GatewayClaims.KeyId)?.Value ?? "unknown",
            Scopes = [.. request.Scopes!.OfType<string>().Distinct(StringComparer.Ordinal)],
            Plan = request.Plan,
            RateLimit = request.RateLimit,
            Created = time.GetUtcNow(),
        };
        await store.AddAsync(key, cancellationToken);
        await audit.RecordAsync(new AuditEvent(0, key.Created.ToUnixTimeMilliseconds(), key.Owner, AuditEvent.KeyCreated, key.Id, key.Name, key.Scopes, key.Plan),
            cancellationToken);
        return TypedResults.Created($"/admin/api-keys/{key.Id}",
            new CreatedApiKey(key.Id, secret, key.Name, key.Scopes, plans.Effective(key.Plan), key.RateLimit, key.Created));
    }

    internal static async Task<Ok<ApiKeyList>> ListAsync(IApiKeyStore store, ApiKeyPlans plans, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ApiKeyList([.. (await store.ListAsync(cancellationToken)).Select(key => ApiKeySummary.From(key, plans.Effective(key.Plan)))]));

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id,
        ClaimsPrincipal caller,
        IApiKeyStore store,
        ApiKeyCache cache,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = await store.RevokeAsync(id, now, cancellationToken);
        if (key is null)
        {
            return TypedResults.Problem(detail: $"No API key has the id '{id}'. GET /admin/api-keys lists them.", statusCode: StatusCodes.Status404NotFound);
        }

        cache.Invalidate(key.Hash);
        await audit.RecordAsync(new AuditEvent(0, now.ToUnixTimeMilliseconds(), caller.FindFirst(GatewayClaims.KeyId)?.Value ?? "unknown",
            AuditEvent.KeyRevoked, key.Id, key.Name, Detail: key.Revoked == now ? null : "already revoked"), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The body as a request, or why it cannot be read as one.</summary>
    private static async Task<(CreateApiKeyRequest? Request, string? Problem)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        try
        {
            var request = await http.ReadFromJsonAsync<CreateApiKeyRequest>(cancellationToken);
            return request is null ? (null, "The body is empty: send {\"name\", \"scopes\"}.") : (request, null);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not a valid API key request: {e.Message}");
        }
    }

    /// <returns>Why the request cannot be honoured, or <c>null</c>.</returns>
    internal static string? Validate(CreateApiKeyRequest request, ApiKeyPlans plans)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxNameLength)
        {
            return $"'name' is required: 1 to {MaxNameLength} characters that say who or what uses the key.";
        }

        var known = string.Join(", ", Scopes.All);
        if (request.Scopes is not { Count: > 0 })
        {
            return $"'scopes' is required: a non-empty list drawn from {known}.";
        }

        if (request.Scopes.Any(scope => scope is null || !Scopes.IsKnown(scope)))
        {
            return $"Unknown scope '{request.Scopes.First(scope => scope is null || !Scopes.IsKnown(scope))}': use {known}.";
        }

        if (request.Plan is not null && !plans.IsKnown(request.Plan))
        {
            return $"Unknown plan '{request.Plan}': use one of {string.Join(", ", plans.Names)}.";
        }

        if (request.RateLimit is { } limit && (limit.RequestsPerMinute <= 0 || limit.Burst <= 0))
        {
            return "'rate_limit' needs a positive 'requests_per_minute' and a positive 'burst'.";
        }

        return null;
    }
}

public sealed record CreateApiKeyRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string?>? Scopes,
    [property: JsonPropertyName("plan")] string? Plan,
    [property: JsonPropertyName("rate_limit")] ApiKeyRateLimit? RateLimit);

/// <summary>A new key with its secret <see cref="Key"/>: store it now, it is not shown again.</summary>
public sealed record CreatedApiKey(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("plan")] string Plan,
    [property: JsonPropertyName("rate_limit")] ApiKeyRateLimit? RateLimit,
    [property: JsonPropertyName("created")] DateTimeOffset Created);

/// <summary>A key as listed: everything but its secret and hash.</summary>
public sealed record ApiKeySummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("plan")] string Plan,
    [property: JsonPropertyName("rate_limit")] ApiKeyRateLimit? RateLimit,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("last_used")] DateTimeOffset? LastUsed,
    [property: JsonPropertyName("revoked")] DateTimeOffset? Revoked)
{
    /// <param name="key">The stored key.</param>
    /// <param name="plan">Its plan, or the default plan when it names none.</param>
    public static ApiKeySummary From(ApiKeyRecord key, string plan) =>
        new(key.Id, key.Name, key.Owner, key.Scopes, plan, key.RateLimit, key.Created, key.LastUsed, key.Revoked);
}

public sealed record ApiKeyList([property: JsonPropertyName("api_keys")] IReadOnlyList<ApiKeySummary> ApiKeys);
