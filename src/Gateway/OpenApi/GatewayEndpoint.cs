namespace Maestro.Gateway.OpenApi;

/// <summary>
/// The gateway endpoint that answers a request: the cluster it forwards to (<c>null</c> for the
/// gateway's own endpoints) and whether it refuses callers without credentials.
/// </summary>
internal sealed record GatewayEndpoint(string? ClusterId, bool RequiresCaller);
