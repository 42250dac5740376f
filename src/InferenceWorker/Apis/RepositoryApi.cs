using System.Globalization;
using System.Text.Json;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.V2;

namespace Maestro.InferenceWorker.Apis;

/// <summary>
/// Triton's model repository extension: which models the registry has and which this worker has
/// loaded (<c>POST /v2/repository/index</c>), and explicit <c>load</c> and <c>unload</c>. Models are
/// still loaded on their first request; an unloaded model frees its memory and loads again when next
/// asked for. Errors are <c>{"error": "..."}</c> (<see cref="WorkerErrors"/>).
/// </summary>
public static class RepositoryApi
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>At most this many pages of registered models are listed by the index.</summary>
    private const int MaxRegistryPages = 10;

    public static RouteGroupBuilder MapRepositoryApi(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup("/v2/repository").WithTags("Model repository (Triton)");

        repository.MapPost("/index", Index)
            .WithName("V2RepositoryIndex").WithSummary("Registered models and the versions this worker has loaded; {\"ready\": true} lists only loaded ones")
            .Produces<V2RepositoryIndexEntry[]>()
            .Produces<V2Error>(StatusCodes.Status400BadRequest);
        repository.MapPost("/models/{name}/load", Load)
            .WithName("V2RepositoryLoad").WithSummary("Load (or re-resolve and reload) the version that serves a model")
            .Produces(StatusCodes.Status200OK)
            .Produces<V2Error>(StatusCodes.Status400BadRequest)
            .Produces<V2Error>(StatusCodes.Status404NotFound)
            .Produces<V2Error>(StatusCodes.Status503ServiceUnavailable);
        repository.MapPost("/models/{name}/unload", Unload)
            .WithName("V2RepositoryUnload").WithSummary("Unload every version of a model once its requests in flight finish")
            .Produces(StatusCodes.Status200OK)
            .Produces<V2Error>(StatusCodes.Status404NotFound);

        return repository;
    }

    internal static async Task<IResult> Index(HttpRequest request, ModelRepository models, RegistryClient registry, CancellationToken cancellationToken)
    {
        bool readyOnly;
        try
        {
            using var body = await ReadOptionalBodyAsync(request, cancellationToken);
            readyOnly = body?.RootElement.TryGetProperty("ready", out var ready) == true && ready.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new InferenceRequestException($"'ready' must be true or false; it is {ready.GetRawText()}."),
            };
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            return error.ToV2(request.HttpContext.Response);
        }

        var entries = models.Loaded
            .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Version)
            .Select(m => new V2RepositoryIndexEntry(m.Name, m.Version.ToString(CultureInfo.InvariantCulture), Ready, null))
            .ToList();
        if (!readyOnly)
        {
            var loaded = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            entries.AddRange((await RegisteredNamesAsync(registry, cancellationToken))
                .Where(name => !loaded.Contains(name))
                .Select(name => new V2RepositoryIndexEntry(name, null, Unavailable, "unloaded")));
        }

        return TypedResults.Ok(entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray());
    }

    internal static async Task<IResult> Load(string name, HttpRequest request, ModelRepository models, CancellationToken cancellationToken)
    {
        try
        {
            using (var body = await ReadOptionalBodyAsync(request, cancellationToken))
            {
                if (body?.RootElement.TryGetProperty("parameters", out var parameters) == true
                    && parameters.ValueKind == JsonValueKind.Object && parameters.EnumerateObject().Any())
                {
                    return WorkerErrors.V2(StatusCodes.Status400BadRequest,
                        "This worker loads models from the registry: load parameters (config, files) are not supported. Send the load without 'parameters'.");
                }
            }

            await models.LoadAsync(name, cancellationToken);
            return TypedResults.Ok();
        }
        catch (Exception ex) when (WorkerErrors.Classify(ex) is { } error)
        {
            return error.ToV2(request.HttpContext.Response);
        }
    }

    internal static IResult Unload(string name, ModelRepository models) =>
        models.Unload(name) > 0
            ? TypedResults.Ok()
            : WorkerErrors.V2(StatusCodes.Status404NotFound, $"Model '{name}' is not loaded on this worker; POST /v2/repository/index lists what is.");

    /// <summary>The registry's model names; when it cannot be reached the index lists the loaded models only.</summary>
    private static async Task<IReadOnlyList<string>> RegisteredNamesAsync(RegistryClient registry, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            string? token = null;
            for (var page = 0; page < MaxRegistryPages; page++)
            {
                var models = await registry.ListModelsAsync(token, cancellationToken);
                names.AddRange(models.Models.Select(m => m.Name));
                token = models.NextPageToken;
                if (token is null)
                {
                    break;
                }
            }
        }
        catch (RegistryUnavailableException)
        {
            // Loaded models are still listed.
        }

        return names;
    }

    /// <summary>The JSON body, or <c>null</c> when there is none (the repository requests' bodies are optional).</summary>
    private static async Task<JsonDocument?> ReadOptionalBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return null;
        }

        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length == 0)
            {
                return null;
            }

            var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InferenceRequestException("The body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new InferenceRequestException($"The body is not valid JSON: {ex.Message}");
        }
    }
}
