using System.Text.Json.Serialization;

namespace Maestro.InferenceWorker.Registry;

/// <summary>The parts of a model version the worker needs to download and load it.</summary>
internal sealed record RegistryModelVersion(
    string Name,
    int Version,
    string CurrentStage,
    string Sha256,
    [property: JsonPropertyName("size_bytes")] long SizeBytes,
    IReadOnlyDictionary<string, string>? Tags = null);
