namespace Maestro.EndToEnd.Tests.Fuzz;

/// <summary>One operation of the merged OpenAPI document, as much of it as the generator needs.</summary>
/// <param name="Template">The path as documented, e.g. <c>/api/v1/models/{name}/versions/{version}</c>.</param>
/// <param name="Query">The names of its query parameters.</param>
/// <param name="MediaType">The first media type its body takes, or <c>null</c> when it takes none.</param>
/// <param name="Properties">The top-level properties of its JSON body schema, when known.</param>
internal sealed record FuzzOperation(HttpMethod Method, string Template, IReadOnlyList<string> Query, string? MediaType, IReadOnlyList<string> Properties)
{
    public string Name => $"{Method} {Template}";
}
