using Maestro.Contracts;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// What changed in the registry: a model's audit trail (<c>/api/v1/models/{name}/events</c>) and the
/// registry-wide change feed workers follow (<c>/api/v1/changes</c>).
/// </summary>
public static class AuditApi
{
    public const int MaxChanges = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/models/{name}/events", ListEvents)
            .WithTags("Models")
            .WithName("ListModelEvents")
            .WithSummary("A model's audit trail, newest first, a page at a time")
            .WithDescription("Each event: id, timestamp (Unix ms), actor (the caller's key id or token subject, `anonymous` for direct calls), action, version, key (tag key, alias, card section or field), from and to. max_results: 1 to 1000 (default 100); page_token: the previous page's next_page_token. A deleted model's trail stays readable, ending with `model_deleted`; a model created again under the name continues it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/v1/changes", ListChanges)
            .WithTags("Change feed")
            .WithName("ListChanges")
            .WithSummary("Changes that can alter which version serves a model, after a sequence number")
            .WithDescription($"Changes with sequence > since (default 0), oldest first, at most max_results (1 to {MaxChanges}, default {MaxChanges}); last_sequence is the highest sequence stored. The feed keeps changes for Registry:ChangeFeed:Retention (7 days or 100,000 rows, whichever keeps less): pruned_through is the highest sequence deleted, and behind_window is true when since is older than that — changes may be missing, so re-read every model you follow, then continue from last_sequence. Kinds: version_created, stage_changed, alias_set, alias_deleted, version_deleted, model_deleted, model_renamed. With Redis configured each change is also published, as the same JSON object, on channel `{ChangeFeed.Channel}`.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    internal static Results<Ok<RegistryEventPage>, ProblemHttpResult> ListEvents(
        string name,
        AuditStore audit,
        [FromQuery(Name = "max_results")] int? maxResults,
        [FromQuery(Name = "page_token")] string? pageToken)
    {
        var limit = maxResults ?? ModelsApi.DefaultMaxResults;
        if (limit is < 1 or > ModelsApi.MaxMaxResults)
        {
            return RegistryErrors.BadRequest($"max_results must be from 1 to {ModelsApi.MaxMaxResults}; it is {limit}.");
        }

        if (!PageTokens.TryDecodeId(pageToken, out var before))
        {
            return RegistryErrors.BadRequest("page_token is not one this registry issued: pass the next_page_token of the previous page.");
        }

        if (audit.ListEvents(name, limit, before) is not var (events, last))
        {
            return RegistryErrors.ModelNotFound(name);
        }

        return TypedResults.Ok(new RegistryEventPage(events, last is { } id ? PageTokens.EncodeId(id) : null));
    }

    internal static Results<Ok<ChangePage>, ProblemHttpResult> ListChanges(
        AuditStore audit,
        [FromQuery(Name = "since")] long? since,
        [FromQuery(Name = "max_results")] int? maxResults)
    {
        var after = since ?? 0;
        if (after < 0)
        {
            return RegistryErrors.BadRequest($"since must be 0 or a sequence number from a previous answer; it is {after}.");
        }

        var limit = maxResults ?? MaxChanges;
        if (limit is < 1 or > MaxChanges)
        {
            return RegistryErrors.BadRequest($"max_results must be from 1 to {MaxChanges}; it is {limit}.");
        }

        return TypedResults.Ok(audit.ListChanges(after, limit));
    }
}
