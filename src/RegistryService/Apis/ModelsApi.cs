using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.RegistryService.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// <c>/api/v1/models</c>: registered models, their versions, artifacts and stages. Shapes follow
/// the registry report users already call (snake_case, MLflow-style timestamps in milliseconds).
/// Errors are problem+json (<see cref="RegistryErrors"/>).
/// </summary>
public static class ModelsApi
{
    /// <summary>Longest version description accepted, in characters.</summary>
    public const int MaxDescriptionLength = 5000;

    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/models").WithTags("Models");

        api.MapGet("/", ListModels)
            .WithName("SearchModels")
            .WithSummary("List models, filtered and a page at a time")
            .WithDescription("filter_string: conditions joined by AND, each `name` or `tags.<key>` with =, !=, LIKE or ILIKE and a 'quoted' value. max_results: 1 to 1000 (default 100). page_token: the next_page_token of the previous page.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapDelete("/{name}", DeleteModel)
            .WithName("DeleteModel").WithSummary("Delete a model with its versions, tags and aliases")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{name}/versions/{version:int}", DeleteVersion)
            .WithName("DeleteModelVersion").WithSummary("Delete a version; one in Production needs force=true")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/", CreateModel)
            .WithName("CreateModel").WithSummary("Register a new model name")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{name}", GetModel)
            .WithName("GetModel").WithSummary("Get a model with its newest version per stage and its aliases")
            .WithDescription("The ETag header identifies this state of the model; send it as If-Match with PATCH.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{name}", UpdateModel)
            .WithName("UpdateModel").WithSummary("Change a model's description, optionally only if unchanged since read (If-Match)")
            .WithDescription("Body `{\"description\": \"…\"}` (\"\" clears it). With `If-Match: <ETag of GET>` the change applies only if the model is unchanged since (412 otherwise); without If-Match it applies unconditionally, as MLflow's update does. Tags have their own endpoints.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapGet("/{name}/versions", ListVersions)
            .WithName("ListModelVersions").WithSummary("List every version of a model, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{name}/versions", UploadVersion)
            .WithName("CreateModelVersion")
            .WithSummary("Upload an ONNX file as the model's next version")
            .WithDescription("multipart/form-data with the file in field `file` and an optional `description`. The file is validated by loading it with ONNX Runtime and stored by SHA-256.")
            .Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        api.MapGet("/{name}/versions/{version:int}", GetVersion)
            .WithName("GetModelVersion").WithSummary("Get one version of a model")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{name}/versions/{version:int}/artifact", GetArtifact)
            .WithName("GetModelVersionArtifact").WithSummary("Download the version's ONNX file")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{name}/versions/{version:int}/stage", TransitionStage)
            .WithName("TransitionModelVersionStage")
            .WithSummary("Move a version to None, Staging, Production or Archived")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    internal static Results<Created<RegisteredModel>, ProblemHttpResult> CreateModel(CreateModelRequest request, ModelStore models)
    {
        if (!ModelNames.IsValid(request.Name))
        {
            return RegistryErrors.BadRequest($"Invalid model name '{request.Name}': {ModelNames.Rule}.");
        }

        if (request.Tags?.FirstOrDefault(tag => tag.Value is null).Key is { } tagWithoutValue)
        {
            return RegistryErrors.BadRequest($"Tag '{tagWithoutValue}' has no value: tag values are strings.");
        }

        var created = models.Create(request.Name!, request.Description, request.Tags ?? []);
        return created.Value is { } model
            ? TypedResults.Created($"/api/v1/models/{model.Name}", model)
            : RegistryErrors.Problem(created.Outcome, request.Name!);
    }

    public const int DefaultMaxResults = 100;
    public const int MaxMaxResults = 1000;

    internal static Results<Ok<ModelPage>, ProblemHttpResult> ListModels(
        ModelStore models,
        [FromQuery(Name = "filter_string")] string? filterString,
        [FromQuery(Name = "max_results")] int? maxResults,
        [FromQuery(Name = "page_token")] string? pageToken)
    {
        var limit = maxResults ?? DefaultMaxResults;
        if (limit is < 1 or > MaxMaxResults)
        {
            return RegistryErrors.BadRequest($"max_results must be from 1 to {MaxMaxResults}; it is {limit}.");
        }

        if (!PageTokens.TryDecode(pageToken, out var after))
        {
            return RegistryErrors.BadRequest("page_token is not one this registry issued: pass the next_page_token of the previous page.");
        }

        ModelFilter filter;
        try
        {
            filter = ModelFilter.Parse(filterString);
        }
        catch (FilterSyntaxException ex)
        {
            return RegistryErrors.Problem(ex)!;
        }

        var (page, last) = models.Search(filter, limit, after);
        return TypedResults.Ok(new ModelPage(page, last is null ? null : PageTokens.Encode(last)));
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteModel(string name, ModelStore models) =>
        models.Delete(name) is var outcome && outcome == StoreOutcome.Done ? TypedResults.NoContent() : RegistryErrors.Problem(outcome, name);

    internal static Results<NoContent, ProblemHttpResult> DeleteVersion(string name, int version, VersionStore versions, bool force = false) =>
        versions.Delete(name, version, force) is var outcome && outcome == StoreOutcome.Done
            ? TypedResults.NoContent()
            : RegistryErrors.Problem(outcome, name, version);

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> GetModel(string name, ModelStore models, HttpResponse response)
    {
        if (models.Get(name) is not { } model)
        {
            return RegistryErrors.ModelNotFound(name);
        }

        response.Headers.ETag = model.ETag;
        return TypedResults.Ok(model);
    }

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> UpdateModel(string name, UpdateModelRequest request, ModelStore models, HttpRequest http)
    {
        if (request.Description is not { } description)
        {
            return RegistryErrors.BadRequest("The body needs 'description': the new description as a string (\"\" clears it).");
        }

        if (description.Length > MaxDescriptionLength)
        {
            return RegistryErrors.BadRequest($"The description is longer than {MaxDescriptionLength} characters.");
        }

        if (!IfMatch.TryParse(http.Headers.IfMatch, out var accepted))
        {
            return RegistryErrors.PreconditionFailed(
                $"If-Match names no current state of model '{name}': send the ETag header of GET /api/v1/models/{name} (a quoted number) or *.");
        }

        var updated = models.UpdateDescription(name, description.Length == 0 ? null : description, accepted);
        if (updated.Value is not { } model)
        {
            return RegistryErrors.Problem(updated.Outcome, name);
        }

        http.HttpContext.Response.Headers.ETag = model.ETag;
        return TypedResults.Ok(model);
    }

    internal static Results<Ok<ModelVersionList>, ProblemHttpResult> ListVersions(string name, VersionStore versions) =>
        versions.List(name) is { } list ? TypedResults.Ok(new ModelVersionList(list)) : RegistryErrors.ModelNotFound(name);

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> GetVersion(string name, int version, VersionStore versions) =>
        versions.Get(name, version) is { } found ? TypedResults.Ok(found) : RegistryErrors.VersionNotFound(name, version);

    internal static Results<FileStreamHttpResult, ProblemHttpResult> GetArtifact(string name, int version, VersionStore versions, ArtifactStore artifacts)
    {
        if (versions.Get(name, version) is not { } found)
        {
            return RegistryErrors.VersionNotFound(name, version);
        }

        var stream = new FileStream(artifacts.PathOf(found.Sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return TypedResults.File(stream, "application/octet-stream", $"{name}-{version}.onnx",
            entityTag: new EntityTagHeaderValue($"\"{found.Sha256}\""));
    }

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> TransitionStage(
        string name, int version, TransitionStageRequest request, VersionStore versions, RegistryTelemetry telemetry)
    {
        if (!ModelStages.TryParse(request.Stage, out var stage))
        {
            return RegistryErrors.BadRequest($"Unknown stage '{request.Stage}': use one of {string.Join(", ", ModelStages.Names)}.");
        }

        var moved = versions.TransitionStage(name, version, stage, request.ArchiveExistingVersions);
        if (moved.Value is not { } changed)
        {
            return RegistryErrors.Problem(moved.Outcome, name, version);
        }

        telemetry.StageTransitions.Add(1, new KeyValuePair<string, object?>("stage", changed.CurrentStage));
        return TypedResults.Ok(changed);
    }

    /// <summary>
    /// Streams the multipart body (<see cref="ModelUploadReader"/>): the file goes straight to scratch
    /// space, is hashed and loaded with ONNX Runtime while it is flushed to disk, and only then is moved
    /// into the artifact store and recorded. Nothing is recorded for a file that fails any step.
    /// </summary>
    internal static async Task<Results<Created<ModelVersion>, ProblemHttpResult>> UploadVersion(
        string name,
        HttpRequest request,
        ModelStore models,
        VersionStore versions,
        ArtifactStore artifacts,
        IOptions<RegistryOptions> options,
        RegistryTelemetry telemetry,
        CancellationToken cancellationToken)
    {
        var (result, outcome) = await ReceiveVersionAsync(name, request, models, versions, artifacts, options.Value, cancellationToken);
        telemetry.Upload(outcome);
        if (result.Result is Created<ModelVersion> created)
        {
            telemetry.UploadedBytes.Add(created.Value!.SizeBytes);
        }

        return result;
    }

    private static async Task<(Results<Created<ModelVersion>, ProblemHttpResult> Result, string Outcome)> ReceiveVersionAsync(
        string name, HttpRequest request, ModelStore models, VersionStore versions, ArtifactStore artifacts, RegistryOptions options, CancellationToken cancellationToken)
    {
        if (models.Get(name) is null)
        {
            return (RegistryErrors.ModelNotFound(name), "not_found");
        }

        if (ModelUploadReader.Boundary(request) is not { } boundary)
        {
            return (RegistryErrors.BadRequest("Send the model as multipart/form-data with the ONNX file in the field 'file'.", StatusCodes.Status415UnsupportedMediaType), "bad_request");
        }

        string? scratchPath = null;
        try
        {
            var upload = await ModelUploadReader.ReadAsync(request.Body, boundary, artifacts, options.MaxUploadBytes, MaxDescriptionLength, cancellationToken);
            scratchPath = upload.File.Path;
            if (upload.File.SizeBytes == 0)
            {
                return (RegistryErrors.UnprocessableEntity("The uploaded file is empty."), "invalid_model");
            }

            ScratchFile file;
            ModelInspection inspection;
            using (var activity = RegistryTelemetry.ActivitySource.StartActivity("validate model"))
            {
                activity?.SetTag("maestro.model", name);
                activity?.SetTag("maestro.artifact.size", upload.File.SizeBytes);
                (file, inspection) = await artifacts.HashInspectAndFlushAsync(upload.File);
            }

            var added = versions.Add(name, upload.Description, file.Sha256, file.SizeBytes, inspection, placeArtifact: () => artifacts.Commit(file));
            return added.Value is { } version
                ? (TypedResults.Created($"/api/v1/models/{name}/versions/{version.Version}", version), "accepted")
                : (RegistryErrors.Problem(added.Outcome, name), "not_found");
        }
        catch (Exception ex) when (RegistryErrors.Problem(ex) is { } problem)
        {
            return (problem, ex switch
            {
                UploadTooLargeException => "too_large",
                InvalidModelException => "invalid_model",
                _ => "bad_request",
            });
        }
        finally
        {
            if (scratchPath is not null)
            {
                ArtifactStore.TryDelete(scratchPath);
            }
        }
    }
}
