namespace Maestro.InferenceWorker.V2;

/// <summary><c>{"error": "..."}</c>, the V2 protocol's error body.</summary>
public sealed record V2Error(string Error);

/// <summary><c>GET /v2</c>.</summary>
public sealed record V2ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary><c>GET /v2/models/{name}</c>.</summary>
public sealed record V2ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<V2TensorMetadata> Inputs, IReadOnlyList<V2TensorMetadata> Outputs);

public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
