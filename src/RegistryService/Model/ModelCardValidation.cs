namespace Maestro.RegistryService.Model;

/// <summary>Answer of <c>POST /api/v1/model-cards/{name}/versions/{version}/validate</c>.</summary>
/// <param name="MissingSections">Required sections the card lacks or has empty, in card order.</param>
public sealed record ModelCardValidation(bool Valid, IReadOnlyList<string> MissingSections);
