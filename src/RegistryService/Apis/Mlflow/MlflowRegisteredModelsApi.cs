using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary><c>/api/2.0/mlflow/registered-models/*</c>: models, their tags and aliases.</summary>
internal static class MlflowRegisteredModelsApi
{
    private const string Json = "application/json";

    public static void MapMlflowRegisteredModels(this RouteGroupBuilder api)
    {
        api.MapPost("/registered-models/create", Create).Accepts<MlflowCreateRegisteredModelBody>(Json)
            .WithName("MlflowCreateRegisteredModel").WithSummary("MLflow: register a model name ({name, description, tags})");
        api.MapGet("/registered-models/get", Get).WithQuery(["name"])
            .WithName("MlflowGetRegisteredModel").WithSummary("MLflow: a model with its latest versions, tags and aliases (?name=)");
        api.MapPatch("/registered-models/update", Update).Accepts<MlflowUpdateRegisteredModelBody>(Json)
            .WithName("MlflowUpdateRegisteredModel").WithSummary("MLflow: replace a model's description ({name, description})");
        api.MapPost("/registered-models/rename", Rename).Accepts<MlflowRenameRegisteredModelBody>(Json)
            .WithName("MlflowRenameRegisteredModel").WithSummary("MLflow: rename a model with its versions, tags and aliases ({name, new_name})");
        api.MapDelete("/registered-models/delete", Delete).Accepts<MlflowDeleteRegisteredModelBody>(Json)
            .WithName("MlflowDeleteRegisteredModel").WithSummary("MLflow: delete a model with its versions ({name})");
        api.MapGet("/registered-models/search", Search).WithQuery([], "filter", "max_results", "order_by", "page_token")
            .WithName("MlflowSearchRegisteredModels")
            .WithSummary("MLflow: models matching a filter, a page at a time (?filter=&max_results=&order_by=&page_token=)")
            .WithDescription("filter: conditions joined by AND, each `name` or `tags.<key>` with =, !=, LIKE or ILIKE and a 'quoted' value. max_results: 1 to 1000 (default 100). order_by: results come in name order. page_token: the next_page_token of the previous page.");
        api.MapGet("/registered-models/get-latest-versions", GetLatestVersions).WithQuery(["name"], "stages")
            .WithName("MlflowGetLatestVersionsByQuery").WithSummary("MLflow: the newest version in each of the given stages, or in every stage (?name=&stages=)");
        api.MapPost("/registered-models/get-latest-versions", GetLatestVersions).Accepts<MlflowGetLatestVersionsBody>(Json)
            .WithName("MlflowGetLatestVersions").WithSummary("MLflow: the newest version in each of the given stages, or in every stage ({name, stages})");
        api.MapPost("/registered-models/set-tag", SetTag).Accepts<MlflowSetRegisteredModelTagBody>(Json)
            .WithName("MlflowSetRegisteredModelTag").WithSummary("MLflow: set a model tag ({name, key, value})");
        api.MapDelete("/registered-models/delete-tag", DeleteTag).Accepts<MlflowDeleteRegisteredModelTagBody>(Json)
            .WithName("MlflowDeleteRegisteredModelTag").WithSummary("MLflow: remove a model tag ({name, key})");
        api.MapPost("/registered-models/alias", SetAlias).Accepts<MlflowSetRegisteredModelAliasBody>(Json)
            .WithName("MlflowSetRegisteredModelAlias").WithSummary("MLflow: point an alias at a version ({name, alias, version})");
        api.MapDelete("/registered-models/alias", DeleteAlias).Accepts<MlflowDeleteRegisteredModelAliasBody>(Json)
            .WithName("MlflowDeleteRegisteredModelAlias").WithSummary("MLflow: remove an alias ({name, alias})");
        api.MapGet("/registered-models/alias", GetByAlias).WithQuery(["name", "alias"])
            .WithName("MlflowGetModelVersionByAlias").WithSummary("MLflow: the version an alias points at (?name=&alias=)");
    }

    internal static Results<Ok<MlflowRegisteredModelResponse>, JsonHttpResult<MlflowError>> Create(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var name = ModelName(request, "name");
        var description = MlflowApi.Description(request);
        var tags = request.Tags();
        var created = models.Create(name, description, tags.ToDictionary(StringComparer.Ordinal));
        return created.Value is { } model
            ? TypedResults.Ok(new MlflowRegisteredModelResponse(shape.Model(model)))
            : MlflowErrors.For(created.Outcome, name);
    }

    internal static Results<Ok<MlflowRegisteredModelResponse>, JsonHttpResult<MlflowError>> Get(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var name = request.RequiredString("name");
        return models.Get(name) is { } model
            ? TypedResults.Ok(new MlflowRegisteredModelResponse(shape.Model(model)))
            : MlflowErrors.ModelNotFound(name);
    }

    internal static Results<Ok<MlflowRegisteredModelResponse>, JsonHttpResult<MlflowError>> Update(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var name = request.RequiredString("name");
        return models.UpdateDescription(name, MlflowApi.Description(request), acceptedRevisions: null).Value is { } model
            ? TypedResults.Ok(new MlflowRegisteredModelResponse(shape.Model(model)))
            : MlflowErrors.ModelNotFound(name);
    }

    internal static Results<Ok<MlflowRegisteredModelResponse>, JsonHttpResult<MlflowError>> Rename(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var name = request.RequiredString("name");
        var newName = ModelName(request, "new_name");
        var renamed = models.Rename(name, newName);
        return renamed.Value is { } model
            ? TypedResults.Ok(new MlflowRegisteredModelResponse(shape.Model(model)))
            : MlflowErrors.For(renamed.Outcome, renamed.Outcome == StoreOutcome.NameTaken ? newName : name);
    }

    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> Delete(MlflowRequest request, ModelStore models)
    {
        var name = request.RequiredString("name");
        return models.Delete(name) == StoreOutcome.Done ? TypedResults.Ok(new MlflowEmpty()) : MlflowErrors.ModelNotFound(name);
    }

    internal static Results<Ok<MlflowRegisteredModelsPage>, JsonHttpResult<MlflowError>> Search(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var limit = MlflowApi.MaxResults(request, MlflowApi.DefaultMaxModels, MlflowApi.MaxMaxModels);
        MlflowApi.RequireOrder(request, "name order", "name", "name ASC");
        if (!PageTokens.TryDecode(request.String("page_token"), out var after))
        {
            throw new MlflowParameterException("page_token is not one this registry issued: pass the next_page_token of the previous page.");
        }

        var (page, last) = models.Search(Filter(request), limit, after);
        return TypedResults.Ok(new MlflowRegisteredModelsPage([.. page.Select(shape.Model)], last is null ? null : PageTokens.Encode(last)));
    }

    internal static Results<Ok<MlflowModelVersionsPage>, JsonHttpResult<MlflowError>> GetLatestVersions(MlflowRequest request, MlflowShaper shape, ModelStore models)
    {
        var name = request.RequiredString("name");
        var stages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in request.Strings("stages"))
        {
            stages.Add(ModelStages.TryParse(text, out var stage)
                ? stage.ToString()
                : throw new MlflowParameterException($"Unknown stage '{text}' in 'stages': use {string.Join(", ", ModelStages.Names)}."));
        }

        if (models.Get(name) is not { } model)
        {
            return MlflowErrors.ModelNotFound(name);
        }

        var latest = model.LatestVersions.Where(version => stages.Count == 0 || stages.Contains(version.CurrentStage));
        return TypedResults.Ok(new MlflowModelVersionsPage([.. latest.Select(shape.Version)], null));
    }

    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> SetTag(MlflowRequest request, LabelStore labels)
    {
        var name = request.RequiredString("name");
        var (key, value) = Tag(request);
        return labels.SetModelTag(name, key, value).IsDone ? TypedResults.Ok(new MlflowEmpty()) : MlflowErrors.ModelNotFound(name);
    }

    /// <summary>Like MLflow, removing a tag the model does not have is not an error.</summary>
    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> DeleteTag(MlflowRequest request, LabelStore labels)
    {
        var name = request.RequiredString("name");
        var key = request.RequiredString("key");
        return labels.DeleteModelTag(name, key) == StoreOutcome.ModelNotFound ? MlflowErrors.ModelNotFound(name) : TypedResults.Ok(new MlflowEmpty());
    }

    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> SetAlias(MlflowRequest request, LabelStore labels)
    {
        var name = request.RequiredString("name");
        var alias = Alias(request);
        var version = request.Version();
        var set = labels.SetAlias(name, alias, version);
        return set.IsDone ? TypedResults.Ok(new MlflowEmpty()) : MlflowErrors.For(set.Outcome, name, version);
    }

    /// <summary>Like MLflow, removing an alias the model does not have is not an error.</summary>
    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> DeleteAlias(MlflowRequest request, LabelStore labels)
    {
        var name = request.RequiredString("name");
        var alias = request.RequiredString("alias");
        return labels.DeleteAlias(name, alias) == StoreOutcome.ModelNotFound ? MlflowErrors.ModelNotFound(name) : TypedResults.Ok(new MlflowEmpty());
    }

    internal static Results<Ok<MlflowModelVersionResponse>, JsonHttpResult<MlflowError>> GetByAlias(MlflowRequest request, MlflowShaper shape, LabelStore labels)
    {
        var name = request.RequiredString("name");
        var alias = request.RequiredString("alias");
        var found = labels.GetAlias(name, alias);
        return found.Value is { } version
            ? TypedResults.Ok(new MlflowModelVersionResponse(shape.Version(version)))
            : MlflowErrors.For(found.Outcome, name, alias: alias);
    }

    internal static ModelFilter Filter(MlflowRequest request)
    {
        try
        {
            return ModelFilter.Parse(request.String("filter"));
        }
        catch (FilterSyntaxException ex)
        {
            throw new MlflowParameterException(ex.Message.Replace("filter_string", "filter", StringComparison.Ordinal));
        }
    }

    internal static (string Key, string Value) Tag(MlflowRequest request)
    {
        var key = request.RequiredString("key");
        var value = request.String("value") ?? throw new MlflowParameterException("Missing value for required parameter 'value'.");
        return ModelLabels.TagProblem(key, value) is { } problem ? throw new MlflowParameterException(problem) : (key, value);
    }

    private static string ModelName(MlflowRequest request, string parameter)
    {
        var name = request.RequiredString(parameter);
        return ModelNames.IsValid(name) ? name : throw new MlflowParameterException($"Invalid model name '{name}' in '{parameter}': {ModelNames.Rule}.");
    }

    private static string Alias(MlflowRequest request)
    {
        var alias = request.RequiredString("alias");
        return ModelLabels.IsValidAlias(alias) ? alias : throw new MlflowParameterException($"Invalid alias '{alias}': {ModelLabels.AliasRule}.");
    }
}
