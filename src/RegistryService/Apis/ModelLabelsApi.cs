using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis;

/// <summary>Aliases (as in MLflow 2.9+) and tags on models and versions.</summary>
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

    internal static Results<Ok<ModelAlias>, ProblemHttpResult> SetAlias(string name, string alias, SetAliasRequest request, RegistryStore store)
    {
        if (!ModelLabels.IsValidAlias(alias))
        {
            return Problems.BadRequest($"Invalid alias '{alias}': {ModelLabels.AliasRule}.");
        }

        if (request.Version is not { } version)
        {
            return Problems.BadRequest("The body needs 'version': the version number the alias points at.");
        }

        return store.SetAlias(name, alias, version) is null
            ? VersionOrModelMissing(store, name, version)
            : TypedResults.Ok(new ModelAlias(name, alias, version));
    }

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> GetAlias(string name, string alias, RegistryStore store) =>
        store.GetAlias(name, alias) is { } version
            ? TypedResults.Ok(version)
            : store.GetModel(name) is null ? Problems.ModelNotFound(name) : Problems.NotFound($"Model '{name}' has no alias '{alias}'.");

    internal static Results<NoContent, ProblemHttpResult> DeleteAlias(string name, string alias, RegistryStore store) =>
        store.DeleteAlias(name, alias)
            ? TypedResults.NoContent()
            : store.GetModel(name) is null ? Problems.ModelNotFound(name) : Problems.NotFound($"Model '{name}' has no alias '{alias}'.");

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> SetModelTag(string name, SetTagRequest request, RegistryStore store)
    {
        if (ModelLabels.TagProblem(request.Key, request.Value) is { } problem)
        {
            return Problems.BadRequest(problem);
        }

        return store.SetModelTag(name, request.Key!, request.Value!) && store.GetModel(name) is { } model
            ? TypedResults.Ok(model)
            : Problems.ModelNotFound(name);
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteModelTag(string name, string key, RegistryStore store) =>
        store.DeleteModelTag(name, key)
            ? TypedResults.NoContent()
            : store.GetModel(name) is null ? Problems.ModelNotFound(name) : Problems.NotFound($"Model '{name}' has no tag '{key}'.");

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> SetVersionTag(string name, int version, SetTagRequest request, RegistryStore store)
    {
        if (ModelLabels.TagProblem(request.Key, request.Value) is { } problem)
        {
            return Problems.BadRequest(problem);
        }

        return store.SetVersionTag(name, version, request.Key!, request.Value!) is { } tagged
            ? TypedResults.Ok(tagged)
            : VersionOrModelMissing(store, name, version);
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteVersionTag(string name, int version, string key, RegistryStore store) =>
        store.DeleteVersionTag(name, version, key)
            ? TypedResults.NoContent()
            : store.GetVersion(name, version) is null ? VersionOrModelMissing(store, name, version) : Problems.NotFound($"Model '{name}' version {version} has no tag '{key}'.");

    private static ProblemHttpResult VersionOrModelMissing(RegistryStore store, string name, int version) =>
        store.GetModel(name) is null ? Problems.ModelNotFound(name) : Problems.VersionNotFound(name, version);
}
