using System.Text.Json;

namespace Maestro.InferenceWorker.V2;

/// <summary><c>{"error": "..."}</c>, the V2 protocol's error body.</summary>
public sealed record V2Error(string Error);

/// <summary><c>GET /v2</c>.</summary>
public sealed record V2ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary><c>GET /v2/models/{name}</c>.</summary>
public sealed record V2ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<V2TensorMetadata> Inputs, IReadOnlyList<V2TensorMetadata> Outputs);

/// <summary><c>GET /v2/models/{name}[/versions/{version}]/ready</c> when the model can serve.</summary>
public sealed record V2ModelReady(string Name, bool Ready);

public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

// The infer response shape documents POST …/infer in the OpenAPI document. The handler writes it
// directly (Utf8JsonWriter) so tensors are never boxed into these records.

/// <summary>
/// The answer of <c>POST /v2/models/{name}[/versions/{version}]/infer</c>. Outputs asked for as binary
/// data carry <c>parameters.binary_data_size</c> instead of <c>data</c>, and their bytes follow this JSON,
/// whose length is then in the <c>Inference-Header-Content-Length</c> header.
/// </summary>
public sealed record V2InferenceResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<V2OutputTensor> Outputs);

public sealed record V2OutputTensor(
    string Name, string Datatype, IReadOnlyList<long> Shape, JsonElement? Data, IReadOnlyDictionary<string, JsonElement>? Parameters);

/// <summary>One entry of <c>POST /v2/repository/index</c>, as Triton lists its model repository.</summary>
/// <param name="Version">The loaded version; absent for a model that is not loaded.</param>
/// <param name="State"><c>READY</c> when loaded, <c>UNAVAILABLE</c> when not.</param>
/// <param name="Reason">Why a model is not ready (<c>unloaded</c>).</param>
public sealed record V2RepositoryIndexEntry(
    string Name,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Version,
    string State,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason);
