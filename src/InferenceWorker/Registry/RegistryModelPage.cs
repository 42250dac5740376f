namespace Maestro.InferenceWorker.Registry;

/// <summary>One page of <c>GET /api/v1/models</c>.</summary>
internal sealed record RegistryModelPage(IReadOnlyList<RegistryModel> Models, string? NextPageToken);
