using System.Text.Json;

namespace Maestro.RegistryService.Model;

/// <summary>Body of <c>POST /api/v1/model-cards/{name}/versions/{version}/generate</c>.</summary>
/// <param name="Overrides">Sections to print instead of the stored ones (not stored).</param>
public sealed record GenerateModelCardRequest(Dictionary<string, JsonElement>? Overrides);
