namespace Maestro.RegistryService.Model;

/// <summary><c>GET /api/v1/models/{name}/aliases/{alias}</c> and the answer to setting one.</summary>
public sealed record ModelAlias(string Name, string Alias, int Version);
