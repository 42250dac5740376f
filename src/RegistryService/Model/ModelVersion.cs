namespace Maestro.RegistryService.Model;

/// <summary>One immutable upload of a model, and the stage it is in.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the artifact; also its address in the artifact store.</param>
/// <param name="Signature">The model's inputs and outputs as ONNX Runtime reports them.</param>
/// <param name="Aliases">The model's aliases that point at this version.</param>
public sealed record ModelVersion(
    string Name,
    int Version,
    string CurrentStage,
    string? Description,
    string Sha256,
    long SizeBytes,
    string? Producer,
    ModelSignature Signature,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Aliases);
