using Maestro.RegistryService.Extensions;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.RegistryService.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// <c>/api/v1/models</c>: registered models, their versions, artifacts and stages. Shapes follow
/// the registry report users already call (snake_case, MLflow-style timestamps in milliseconds).
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

    internal static Results<Created<RegisteredModel>, ProblemHttpResult> CreateModel(CreateModelRequest request, RegistryStore store)
    {
        if (!ModelNames.IsValid(request.Name))
        {
            return Problems.BadRequest($"Invalid model name '{request.Name}': {ModelNames.Rule}.");
        }

        if (request.Tags?.FirstOrDefault(tag => tag.Value is null).Key is { } tagWithoutValue)
        {
            return Problems.BadRequest($"Tag '{tagWithoutValue}' has no value: tag values are strings.");
        }

        var model = store.CreateModel(request.Name!, request.Description, request.Tags ?? []);
        return model is null
            ? Problems.Conflict($"A model named '{request.Name}' already exists.")
            : TypedResults.Created($"/api/v1/models/{model.Name}", model);
    }

    public const int DefaultMaxResults = 100;
    public const int MaxMaxResults = 1000;

    internal static Results<Ok<ModelPage>, ProblemHttpResult> ListModels(
        RegistryStore store,
        [FromQuery(Name = "filter_string")] string? filterString,
        [FromQuery(Name = "max_results")] int? maxResults,
        [FromQuery(Name = "page_token")] string? pageToken)
    {
        var limit = maxResults ?? DefaultMaxResults;
        if (limit is < 1 or > MaxMaxResults)
        {
            return Problems.BadRequest($"max_results must be from 1 to {MaxMaxResults}; it is {limit}.");
        }

        if (!PageTokens.TryDecode(pageToken, out var after))
        {
            return Problems.BadRequest("page_token is not one this registry issued: pass the next_page_token of the previous page.");
        }

        ModelFilter filter;
        try
        {
            filter = ModelFilter.Parse(filterString);
        }
        catch (FilterSyntaxException ex)
        {
            return Problems.BadRequest(ex.Message);
        }

        var (models, last) = store.SearchModels(filter, limit, after);
        return TypedResults.Ok(new ModelPage(models, last is null ? null : PageTokens.Encode(last)));
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteModel(string name, RegistryStore store) =>
        store.DeleteModel(name) ? TypedResults.NoContent() : Problems.ModelNotFound(name);

    internal static Results<NoContent, ProblemHttpResult> DeleteVersion(string name, int version, RegistryStore store, bool force = false) =>
        store.DeleteVersion(name, version, force) switch
        {
            DeleteVersionResult.Deleted => TypedResults.NoContent(),
            DeleteVersionResult.InProduction => Problems.Conflict(
                $"Model '{name}' version {version} is in Production; move it to another stage first, or delete with force=true."),
            _ => Problems.VersionNotFound(name, version),
        };

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> GetModel(string name, RegistryStore store, HttpResponse response)
    {
        if (store.GetModel(name) is not { } model)
        {
            return Problems.ModelNotFound(name);
        }

        response.Headers.ETag = model.ETag;
        return TypedResults.Ok(model);
    }

    internal static Results<Ok<RegisteredModel>, ProblemHttpResult> UpdateModel(
        string name, UpdateModelRequest request, RegistryStore store, HttpRequest http)
    {
        if (request.Description is not { } description)
        {
            return Problems.BadRequest("The body needs 'description': the new description as a string (\"\" clears it).");
        }

        if (description.Length > MaxDescriptionLength)
        {
            return Problems.BadRequest($"The description is longer than {MaxDescriptionLength} characters.");
        }

        if (!IfMatch.TryParse(http.Headers.IfMatch, out var accepted))
        {
            return Problems.PreconditionFailed(
                $"If-Match names no current state of model '{name}': send the ETag header of GET /api/v1/models/{name} (a quoted number) or *.");
        }

        var (result, model) = store.UpdateModelDescription(name, description.Length == 0 ? null : description, accepted);
        switch (result)
        {
            case UpdateModelResult.NotFound:
                return Problems.ModelNotFound(name);
            case UpdateModelResult.Stale:
                return Problems.PreconditionFailed(
                    $"Model '{name}' changed since the If-Match ETag was read: GET it again, check the change still applies, and send its new ETag.");
            default:
                http.HttpContext.Response.Headers.ETag = model!.ETag;
                return TypedResults.Ok(model);
        }
    }

    internal static Results<Ok<ModelVersionList>, ProblemHttpResult> ListVersions(string name, RegistryStore store) =>
        store.ListVersions(name) is { } versions ? TypedResults.Ok(new ModelVersionList(versions)) : Problems.ModelNotFound(name);

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> GetVersion(string name, int version, RegistryStore store) =>
        store.GetVersion(name, version) is { } found ? TypedResults.Ok(found) : Problems.VersionNotFound(name, version);

    internal static Results<FileStreamHttpResult, ProblemHttpResult> GetArtifact(string name, int version, RegistryStore store, ArtifactStore artifacts)
    {
        if (store.GetVersion(name, version) is not { } found)
        {
            return Problems.VersionNotFound(name, version);
        }

        var stream = new FileStream(artifacts.PathOf(found.Sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return TypedResults.File(stream, "application/octet-stream", $"{name}-{version}.onnx",
            entityTag: new EntityTagHeaderValue($"\"{found.Sha256}\""));
    }

    internal static Results<Ok<ModelVersion>, ProblemHttpResult> TransitionStage(
        string name, int version, TransitionStageRequest request, RegistryStore store, RegistryTelemetry telemetry)
    {
        if (!ModelStages.TryParse(request.Stage, out var stage))
        {
            return Problems.BadRequest($"Unknown stage '{request.Stage}': use one of {string.Join(", ", ModelStages.Names)}.");
        }

        if (store.TransitionStage(name, version, stage, request.ArchiveExistingVersions) is not { } changed)
        {
            return Problems.VersionNotFound(name, version);
        }

        telemetry.StageTransitions.Add(1, new KeyValuePair<string, object?>("stage", changed.CurrentStage));
        return TypedResults.Ok(changed);
    }

    /// <summary>
    /// Streams the multipart body section by section: the file goes straight to scratch space while
    /// it is hashed, is loaded with ONNX Runtime, and only then is moved into the artifact store and
    /// recorded. Nothing is recorded for a file that fails any step.
    /// </summary>
    internal static async Task<Results<Created<ModelVersion>, ProblemHttpResult>> UploadVersion(
        string name,
        HttpRequest request,
        RegistryStore store,
        ArtifactStore artifacts,
        IOptions<RegistryOptions> options,
        RegistryTelemetry telemetry,
        CancellationToken cancellationToken)
    {
        var (result, outcome) = await ReceiveVersionAsync(name, request, store, artifacts, options.Value, cancellationToken);
        telemetry.Upload(outcome);
        if (result.Result is Created<ModelVersion> created)
        {
            telemetry.UploadedBytes.Add(created.Value!.SizeBytes);
        }

        return result;
    }

    private static async Task<(Results<Created<ModelVersion>, ProblemHttpResult> Result, string Outcome)> ReceiveVersionAsync(
        string name,
        HttpRequest request,
        RegistryStore store,
        ArtifactStore artifacts,
        RegistryOptions options,
        CancellationToken cancellationToken)
    {
        const string BadRequestOutcome = "bad_request";
        if (store.GetModel(name) is null)
        {
            return (Problems.ModelNotFound(name), "not_found");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return (Problems.BadRequest("Send the model as multipart/form-data with the ONNX file in the field 'file'.", StatusCodes.Status415UnsupportedMediaType), BadRequestOutcome);
        }

        ScratchFile? file = null;
        string? description = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (field == "file" && file is null)
                {
                    file = await artifacts.ReceiveAsync(section.Body, options.MaxUploadBytes, cancellationToken);
                }
                else if (field == "description")
                {
                    description = await ReadTextAsync(section.Body, MaxDescriptionLength, cancellationToken);
                    if (description is null)
                    {
                        return (Problems.BadRequest($"The description is longer than {MaxDescriptionLength} characters."), BadRequestOutcome);
                    }
                }
            }

            if (file is null)
            {
                return (Problems.BadRequest("The upload has no field 'file': send the ONNX model as multipart field 'file'."), BadRequestOutcome);
            }

            if (file.SizeBytes == 0)
            {
                return (Problems.UnprocessableEntity("The uploaded file is empty."), "invalid_model");
            }

            ModelInspection inspection;
            using (var activity = RegistryTelemetry.ActivitySource.StartActivity("validate model"))
            {
                activity?.SetTag("maestro.model", name);
                activity?.SetTag("maestro.artifact.size", file.SizeBytes);
                inspection = OnnxModelInspector.Inspect(file.Path);
            }

            artifacts.Commit(file);
            var version = store.AddVersion(name, description, file.Sha256, file.SizeBytes, inspection);
            return version is null
                ? (Problems.ModelNotFound(name), "not_found")
                : (TypedResults.Created($"/api/v1/models/{name}/versions/{version.Version}", version), "accepted");
        }
        catch (UploadTooLargeException ex)
        {
            return (Problems.BadRequest(ex.Message, StatusCodes.Status413PayloadTooLarge), "too_large");
        }
        catch (InvalidModelException ex)
        {
            return (Problems.UnprocessableEntity($"ONNX Runtime cannot load the file: {ex.Message}"), "invalid_model");
        }
        catch (InvalidDataException ex)
        {
            return (Problems.BadRequest($"The multipart body is malformed: {ex.Message}"), BadRequestOutcome);
        }
        catch (IOException ex) when (IsMultipartReaderError(ex))
        {
            return (Problems.BadRequest($"The multipart body ends before its closing boundary '--{boundary}--'."), BadRequestOutcome);
        }
        finally
        {
            if (file is not null)
            {
                ArtifactStore.TryDelete(file.Path);
            }
        }
    }

    /// <summary>Reads a text field of at most <paramref name="maxLength"/> characters; <c>null</c> when longer.</summary>
    private static async Task<string?> ReadTextAsync(Stream body, int maxLength, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[maxLength + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > maxLength ? null : new string(buffer, 0, length);
    }

    /// <summary>
    /// <see cref="MultipartReader"/> reports a body that ends before its closing boundary with a plain
    /// <see cref="IOException"/>: thrown by the reader, it is the sender's error, not the disk's.
    /// </summary>
    private static bool IsMultipartReaderError(IOException exception) =>
        exception.Source == typeof(MultipartReader).Assembly.GetName().Name;
}

/// <summary>Body of <c>GET /api/v1/models/{name}/versions</c>.</summary>
public sealed record ModelVersionList(IReadOnlyList<ModelVersion> ModelVersions);
