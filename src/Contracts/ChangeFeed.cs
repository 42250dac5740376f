namespace Maestro.Contracts;

/// <summary>Where the registry announces its changes beyond <c>GET /api/v1/changes</c>.</summary>
public static class ChangeFeed
{
    /// <summary>The Redis channel each committed <see cref="RegistryChange"/> is published on, as JSON.</summary>
    public const string Channel = "maestro:registry:changes";
}
