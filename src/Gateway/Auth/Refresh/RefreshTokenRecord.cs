using System.Text.Json.Serialization;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// A stored refresh token. The token itself is never stored: only its SHA-256 (<see cref="Hash"/>).
/// <see cref="KeyHash"/> binds it to the API key it came from, so it dies with that key (revoked, or
/// the development key replaced). Every token rotated from one <c>POST /auth/token</c> shares its <see cref="Family"/>.
/// </summary>
public sealed record RefreshTokenRecord
{
    [JsonPropertyName("hash")]
    public required string Hash { get; init; }

    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }

    [JsonPropertyName("key_hash")]
    public required string KeyHash { get; init; }

    [JsonPropertyName("family")]
    public required string Family { get; init; }

    [JsonPropertyName("created")]
    public required DateTimeOffset Created { get; init; }

    [JsonPropertyName("expires")]
    public required DateTimeOffset Expires { get; init; }

    /// <summary>When it was exchanged; a token is good once.</summary>
    [JsonPropertyName("used")]
    public DateTimeOffset? Used { get; init; }
}
