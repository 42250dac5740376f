using System.Globalization;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.RegistryService.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary><c>/api/2.0/mlflow/model-versions/*</c>: versions, their stages, tags and download URIs.</summary>
internal static class MlflowModelVersionsApi
{
    private const string Json = "application/json";

    public static void MapMlflowModelVersions(this RouteGroupBuilder api)
    {
        api.MapPost("/model-versions/create", Create).Accepts<MlflowCreateModelVersionBody>(Json)
            .WithName("MlflowCreateModelVersion")
            .WithSummary("MLflow: register a version from a source already in Maestro ({name, source, run_id, run_link, description, tags})")
            .WithDescription("source: models:/<name>/<version>, models:/<name>/<stage>, models:/<name>/latest, models:/<name>@<alias>, or an artifact_uri from get-download-uri; the new version shares that artifact. Maestro fetches nothing from runs:/ or remote stores: upload new files with POST /api/v1/models/{name}/versions.");
        api.MapGet("/model-versions/get", Get).WithQuery(["name", "version"])
            .WithName("MlflowGetModelVersion").WithSummary("MLflow: one version (?name=&version=)");
        api.MapPatch("/model-versions/update", Update).Accepts<MlflowUpdateModelVersionBody>(Json)
            .WithName("MlflowUpdateModelVersion").WithSummary("MLflow: replace a version's description ({name, version, description})");
        api.MapDelete("/model-versions/delete", Delete).Accepts<MlflowDeleteModelVersionBody>(Json)
            .WithName("MlflowDeleteModelVersion").WithSummary("MLflow: delete a version not in Production ({name, version})");
        api.MapGet("/model-versions/search", Search).WithQuery([], "filter", "max_results", "order_by", "page_token")
            .WithName("MlflowSearchModelVersions")
            .WithSummary("MLflow: versions matching a filter, a page at a time (?filter=&max_results=&order_by=&page_token=)")
            .WithDescription("filter: conditions joined by AND, each `name` (the model's) or `tags.<key>` (the version's) with =, !=, LIKE or ILIKE and a 'quoted' value. max_results: 1 to 200000 (default 10000). Results come by model name, newest version first.");
        api.MapPost("/model-versions/transition-stage", TransitionStage).Accepts<MlflowTransitionModelVersionStageBody>(Json)
            .WithName("MlflowTransitionModelVersionStage")
            .WithSummary("MLflow: move a version to None, Staging, Production or Archived ({name, version, stage, archive_existing_versions})");
        api.MapGet("/model-versions/get-download-uri", GetDownloadUri).WithQuery(["name", "version"])
            .WithName("MlflowGetModelVersionDownloadUri").WithSummary("MLflow: where the version's ONNX file downloads from (?name=&version=)");
        api.MapPost("/model-versions/set-tag", SetTag).Accepts<MlflowSetModelVersionTagBody>(Json)
            .WithName("MlflowSetModelVersionTag").WithSummary("MLflow: set a version tag ({name, version, key, value})");
        api.MapDelete("/model-versions/delete-tag", DeleteTag).Accepts<MlflowDeleteModelVersionTagBody>(Json)
            .WithName("MlflowDeleteModelVersionTag").WithSummary("MLflow: remove a version tag ({name, version, key})");
    }

    /// <summary>The version's <c>user_id</c> is its creator as the audit trail names them.</summary>
    internal static Results<Ok<MlflowModelVersionResponse>, JsonHttpResult<MlflowError>> Create(
        MlflowRequest request, MlflowShaper shape, ModelStore models, VersionStore versions, LabelStore labels, AuditActor actor)
    {
        var name = request.RequiredString("name");
        var source = request.RequiredString("source");
        var description = MlflowApi.Description(request);
        var tags = request.Tags();
        var origin = new VersionOrigin(source, request.String("run_id"), request.String("run_link"), actor.Current);
        if (models.Get(name) is null)
        {
            return MlflowErrors.ModelNotFound(name);
        }

        var artifact = ModelSources.Resolve(source, models, versions, labels, request.Origin);
        var created = versions.AddFrom(name, artifact, origin, description, tags);
        return created.Value is { } version
            ? TypedResults.Ok(new MlflowModelVersionResponse(shape.Version(version)))
            : MlflowErrors.For(created.Outcome, name);
    }

    internal static Results<Ok<MlflowModelVersionResponse>, JsonHttpResult<MlflowError>> Get(MlflowRequest request, MlflowShaper shape, VersionStore versions)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        return versions.Get(name, version) is { } found
            ? TypedResults.Ok(new MlflowModelVersionResponse(shape.Version(found)))
            : MlflowErrors.VersionNotFound(name, version);
    }

    internal static Results<Ok<MlflowModelVersionResponse>, JsonHttpResult<MlflowError>> Update(MlflowRequest request, MlflowShaper shape, VersionStore versions)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        return versions.UpdateDescription(name, version, MlflowApi.Description(request)).Value is { } updated
            ? TypedResults.Ok(new MlflowModelVersionResponse(shape.Version(updated)))
            : MlflowErrors.VersionNotFound(name, version);
    }

    /// <summary>
    /// Unlike MLflow, a version in Production is not deleted here: the workers serve it. Move it to
    /// another stage first, or delete it with <c>DELETE /api/v1/models/{name}/versions/{version}?force=true</c>.
    /// </summary>
    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> Delete(MlflowRequest request, VersionStore versions)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        return versions.Delete(name, version, force: false) is var outcome && outcome == StoreOutcome.Done
            ? TypedResults.Ok(new MlflowEmpty())
            : MlflowErrors.For(outcome, name, version);
    }

    internal static Results<Ok<MlflowModelVersionsPage>, JsonHttpResult<MlflowError>> Search(MlflowRequest request, MlflowShaper shape, VersionStore versions)
    {
        var limit = MlflowApi.MaxResults(request, MlflowApi.DefaultMaxVersions, MlflowApi.MaxMaxVersions);
        MlflowApi.RequireOrder(request, "model name order, newest version first", "name", "name ASC", "version_number DESC");
        var after = DecodeToken(request.String("page_token"));
        var (page, last) = versions.Search(MlflowRegisteredModelsApi.Filter(request), limit, after);
        return TypedResults.Ok(new MlflowModelVersionsPage([.. page.Select(shape.Version)], last is { } next ? EncodeToken(next) : null));
    }

    internal static Results<Ok<MlflowModelVersionResponse>, JsonHttpResult<MlflowError>> TransitionStage(
        MlflowRequest request, MlflowShaper shape, VersionStore versions, RegistryTelemetry telemetry)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        var text = request.RequiredString("stage");
        if (!ModelStages.TryParse(text, out var stage))
        {
            throw new MlflowParameterException($"Invalid Model Version stage: {text}. Value must be one of {string.Join(", ", ModelStages.Names)}.");
        }

        var archiveExisting = request.Bool("archive_existing_versions") ?? false;
        if (archiveExisting && stage is not (ModelStage.Staging or ModelStage.Production))
        {
            throw new MlflowParameterException(
                $"archive_existing_versions only applies to a transition to Staging or Production, not to {stage}.");
        }

        if (versions.TransitionStage(name, version, stage, archiveExisting).Value is not { } changed)
        {
            return MlflowErrors.VersionNotFound(name, version);
        }

        telemetry.StageTransitions.Add(1, new KeyValuePair<string, object?>("stage", changed.CurrentStage));
        return TypedResults.Ok(new MlflowModelVersionResponse(shape.Version(changed)));
    }

    internal static Results<Ok<MlflowDownloadUri>, JsonHttpResult<MlflowError>> GetDownloadUri(MlflowRequest request, MlflowShaper shape, VersionStore versions)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        return versions.Get(name, version) is not null
            ? TypedResults.Ok(new MlflowDownloadUri(shape.DownloadUri(name, version)))
            : MlflowErrors.VersionNotFound(name, version);
    }

    /// <summary>MLflow names the version it could not find, whether or not the model exists.</summary>
    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> SetTag(MlflowRequest request, LabelStore labels)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        var (key, value) = MlflowRegisteredModelsApi.Tag(request);
        return labels.SetVersionTag(name, version, key, value).IsDone ? TypedResults.Ok(new MlflowEmpty()) : MlflowErrors.VersionNotFound(name, version);
    }

    /// <summary>Like MLflow, removing a tag the version does not have is not an error.</summary>
    internal static Results<Ok<MlflowEmpty>, JsonHttpResult<MlflowError>> DeleteTag(MlflowRequest request, LabelStore labels)
    {
        var (name, version) = (request.RequiredString("name"), request.Version());
        var key = request.RequiredString("key");
        return labels.DeleteVersionTag(name, version, key) is StoreOutcome.Done or StoreOutcome.TagNotFound
            ? TypedResults.Ok(new MlflowEmpty())
            : MlflowErrors.VersionNotFound(name, version);
    }

    /// <summary>A version search resumes after its last (model name, version): <c>"{version}/{name}"</c>, opaque to clients.</summary>
    private static string EncodeToken((string Name, int Version) last) =>
        PageTokens.Encode(string.Create(CultureInfo.InvariantCulture, $"{last.Version}/{last.Name}"));

    private static (string Name, int Version)? DecodeToken(string? token)
    {
        if (!PageTokens.TryDecode(token, out var text))
        {
            throw BadToken();
        }

        if (text is null)
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && slash < text.Length - 1
            ? (text[(slash + 1)..], version)
            : throw BadToken();
    }

    private static MlflowParameterException BadToken() =>
        new("page_token is not one this registry issued: pass the next_page_token of the previous page.");
}
