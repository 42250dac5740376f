using System.Globalization;
using Maestro.Gateway.Audit;
using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Maestro.Gateway.Apis;

/// <summary><c>GET /admin/audit</c> (scope <c>admin</c>): who created and revoked which API key, and which refresh-token families the gateway revoked, newest first.</summary>
public static class AuditApi
{
    public const int DefaultMaxResults = 100;
    public const int MaxMaxResults = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/audit", ListAsync)
            .WithRoutePolicy("ListAuditEvents")
            .WithTags("Audit")
            .WithSummary("The audit trail of API keys and refresh-token families, newest first, a page at a time")
            .WithDescription($"Each event: id, timestamp (Unix ms), actor (the caller's key id or token subject; `{AuditEvent.Gateway}` when the gateway acted on its own), "
                + $"action ({AuditEvent.KeyCreated}, {AuditEvent.KeyRevoked}, {AuditEvent.RefreshFamilyRevoked}), key_id, and key_name, scopes, plan or detail where they apply. "
                + $"max_results: 1 to {MaxMaxResults} (default {DefaultMaxResults}); page_token: the previous page's next_page_token. The newest {IAuditLog.MaxEvents:N0} events are kept.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static async Task<Results<Ok<AuditEventPage>, ProblemHttpResult>> ListAsync(
        IAuditLog audit,
        [FromQuery(Name = "max_results")] string? maxResults,
        [FromQuery(Name = "page_token")] string? pageToken,
        CancellationToken cancellationToken)
    {
        var limit = DefaultMaxResults;
        if (maxResults is not null && (!int.TryParse(maxResults, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxMaxResults))
        {
            return TypedResults.Problem(detail: $"max_results must be a whole number from 1 to {MaxMaxResults}; it is '{maxResults}'.", statusCode: StatusCodes.Status400BadRequest);
        }

        long? before = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            if (!long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return TypedResults.Problem(detail: "page_token is not one this gateway issued: pass the next_page_token of the previous page.", statusCode: StatusCodes.Status400BadRequest);
            }

            before = id;
        }

        var events = await audit.ListAsync(limit + 1, before, cancellationToken);
        var page = events.Take(limit).ToArray();
        var next = events.Count > limit ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new AuditEventPage(page, next));
    }
}
