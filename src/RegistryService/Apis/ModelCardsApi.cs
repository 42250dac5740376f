using System.Text;
using System.Text.Json;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.RegistryService.ModelCards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// <c>/api/v1/model-cards</c>: a version's model card, built from the registry's data and the
/// sections a team writes, as JSON, Markdown or PDF.
/// </summary>
public static class ModelCardsApi
{
    public static RouteGroupBuilder MapModelCardsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/model-cards").WithTags("Model cards");

        api.MapGet("/{name}/versions/{version:int}", GetModelCard)
            .WithName("GetModelCard")
            .WithSummary("Get a version's model card as JSON (default) or Markdown")
            .WithDescription("`format=json` returns the card; `format=markdown` returns it as a text/markdown document with a heading per section.")
            .Produces<ModelCard>(StatusCodes.Status200OK, "application/json", "text/markdown")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{name}/versions/{version:int}", PutModelCard)
            .WithName("PutModelCard")
            .WithSummary("Store or replace model card sections")
            .WithDescription($"A JSON object whose keys are sections ({string.Join(", ", ModelCardSections.Names)}) and whose values are any JSON (a string, an object, a list); null removes a section. Each section holds at most 64 KB of JSON. Sections not named are kept.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{name}/versions/{version:int}/validate", ValidateModelCard)
            .WithName("ValidateModelCard")
            .WithSummary("List the required sections a model card lacks")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{name}/versions/{version:int}/generate", GenerateModelCardPdf)
            .WithName("GenerateModelCardPdf")
            .WithSummary("Render a version's model card as a PDF")
            .WithDescription("Optional body `{\"overrides\": {section: value}}` prints those sections instead of the stored ones, without storing them.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), ModelCardPdfRenderer.ContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    internal static Results<Ok<ModelCard>, ContentHttpResult, ProblemHttpResult> GetModelCard(
        string name, int version, string? format, ModelCardStore store)
    {
        var markdown = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => false,
            "markdown" or "md" => true,
            _ => (bool?)null,
        };
        if (markdown is null)
        {
            return RegistryErrors.BadRequest($"Unknown format '{format}': use json or markdown.");
        }

        if (store.GetCard(name, version) is not { } card)
        {
            return RegistryErrors.VersionNotFound(name, version);
        }

        return markdown.Value
            ? TypedResults.Text(ModelCardMarkdown.Render(card), ModelCardMarkdown.ContentType, Encoding.UTF8)
            : TypedResults.Ok(card);
    }

    internal static Results<Ok<ModelCard>, ProblemHttpResult> PutModelCard(
        string name, int version, Dictionary<string, JsonElement> sections, ModelCardStore store)
    {
        if (ModelCardBuilder.CheckSections(sections) is { } error)
        {
            return RegistryErrors.BadRequest(error);
        }

        var stored = store.PutSections(name, version, sections);
        return stored.Value is { } card ? TypedResults.Ok(card) : RegistryErrors.Problem(stored.Outcome, name, version);
    }

    internal static Results<Ok<ModelCardValidation>, ProblemHttpResult> ValidateModelCard(string name, int version, ModelCardStore store) =>
        store.GetCard(name, version) is { } card ? TypedResults.Ok(ModelCardBuilder.Validate(card)) : RegistryErrors.VersionNotFound(name, version);

    internal static Results<FileContentHttpResult, ProblemHttpResult> GenerateModelCardPdf(
        string name, int version, GenerateModelCardRequest? request, ModelCardStore store, ModelCardPdfRenderer renderer)
    {
        var overrides = request?.Overrides ?? [];
        if (ModelCardBuilder.CheckSections(overrides) is { } error)
        {
            return RegistryErrors.BadRequest(error);
        }

        if (store.GetCard(name, version) is not { } card)
        {
            return RegistryErrors.VersionNotFound(name, version);
        }

        if (renderer.CheckReady() is { } notReady)
        {
            return RegistryErrors.BadRequest(notReady, StatusCodes.Status503ServiceUnavailable);
        }

        var pdf = renderer.Render(ModelCardBuilder.WithOverrides(card, overrides));
        return TypedResults.File(pdf, ModelCardPdfRenderer.ContentType, $"{name}-{version}-model-card.pdf");
    }
}
