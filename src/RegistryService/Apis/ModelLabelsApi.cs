using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis;

/// <summary>Aliases (as in MLflow 2.9+) and tags on models and versions. Errors are problem+json (<see cref="RegistryErrors"/>).</summary>
public static class ModelLabelsApi
{
    public static RouteGroupBuilder MapModelLabelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/models/{name}").WithTags("Aliases and tags");

        api.MapPut("/aliases/{alias}", SetAlias)
            .WithName("SetModelAlias").WithSummary("Point an alias (e.g. production) at a version")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/aliases/{alias}", GetAlias)
            .WithName("GetModelVersionByAlias").WithSummary("The version an alias points at")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/aliases/{alias}", DeleteAlias)
            .WithName("DeleteModelAlias").WithSummary("Remove an alias")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/tags", SetModelTag)
            .WithName("SetModelTag").WithSummary("Set a tag on a model")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/tags/{key}", DeleteModelTag)
            .WithName("DeleteModelTag").WithSummary("Remove a tag from a model")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/versions/{version:int}/tags", SetVersionTag)
            .WithName("SetModelVersionTag").WithSummary("Set a tag on a version")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/versions/{version:int}/tags/{key}", DeleteVersionTag)
            .WithName("DeleteModelVersionTag").WithSummary("Remove a tag from a version")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static Results<Ok<ModelAlias>, ProblemHttpResult> SetAlias(string name, string alias, SetAliasRequest request, LabelStore labels)
    {
        if (!ModelLabels.IsValidAlias(alias))
        {
            return RegistryErrors.BadRequest($"Invalid alias '{alias}': {ModelLabels.AliasRule}.");
        }

        if (request.Version is not { } version)
        {
            return RegistryErrors.BadRequest("The body needs 'version': the version number the alias points at.");
        }

        var set = labels.SetAlias(name, alias, version);
        return set.IsDone ? TypedResults.Ok(new ModelAlias(name, alias, version)) : RegistryErrors.Problem(set.Outcome, name, version);
    }

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> GetAlias(string name, string alias, LabelStore labels)
    {
        var found = labels.GetAlias(name, alias);
        return found.Value is { } version ? TypedResults.Ok(version) : RegistryErrors.Problem(found.Outcome, name, label: alias);
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteAlias(string name, string alias, LabelStore labels) =>
        Answer(labels.DeleteAlias(name, alias), name, label: alias);

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> SetModelTag(string name, SetTagRequest request, LabelStore labels)
    {
        if (ModelLabels.TagProblem(request.Key, request.Value) is { } problem)
        {
            return RegistryErrors.BadRequest(problem);
        }

        var set = labels.SetModelTag(name, request.Key!, request.Value!);
        return set.Value is { } model ? TypedResults.Ok(model) : RegistryErrors.Problem(set.Outcome, name);
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteModelTag(string name, string key, LabelStore labels) =>
        Answer(labels.DeleteModelTag(name, key), name, label: key);

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> SetVersionTag(string name, int version, SetTagRequest request, LabelStore labels)
    {
        if (ModelLabels.TagProblem(request.Key, request.Value) is { } problem)
        {
            return RegistryErrors.BadRequest(problem);
        }

        var set = labels.SetVersionTag(name, version, request.Key!, request.Value!);
        return set.Value is { } tagged ? TypedResults.Ok(tagged) : RegistryErrors.Problem(set.Outcome, name, version);
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteVersionTag(string name, int version, string key, LabelStore labels) =>
        Answer(labels.DeleteVersionTag(name, version, key), name, version, key);

    private static Results<NoContent, ProblemHttpResult> Answer(StoreOutcome outcome, string name, int? version = null, string? label = null) =>
        outcome == StoreOutcome.Done ? TypedResults.NoContent() : RegistryErrors.Problem(outcome, name, version, label);
}
