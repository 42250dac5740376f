using System.Text.Json.Serialization;

namespace Maestro.Gateway.Audit;

/// <summary>
/// One change to the gateway's credentials: who (<see cref="Actor"/>: the caller's key id or token
/// subject, <c>gateway</c> for what it did by itself), when (<see cref="Timestamp"/>, Unix ms), what
/// (<see cref="Action"/>) and to which key. Numbered by <see cref="Id"/>, rising.
/// </summary>
public sealed record AuditEvent(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("key_name")] string? KeyName = null,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string>? Scopes = null,
    [property: JsonPropertyName("plan")] string? Plan = null,
    [property: JsonPropertyName("detail")] string? Detail = null)
{
    public const string KeyCreated = "api_key_created";
    public const string KeyRevoked = "api_key_revoked";
    public const string RefreshFamilyRevoked = "refresh_family_revoked";

    /// <summary>The actor of what the gateway does on its own (a refresh token presented twice).</summary>
    public const string Gateway = "gateway";
}
