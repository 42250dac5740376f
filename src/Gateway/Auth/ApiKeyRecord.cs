using System.Text.Json.Serialization;

namespace Maestro.Gateway.Auth;

/// <summary>
/// A stored API key. The key itself is never stored: only its SHA-256 (<see cref="Hash"/>), which is
/// how a presented key is found.
/// </summary>
public sealed record ApiKeyRecord
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("hash")]
    public required string Hash { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The key id (or token subject) of whoever created it.</summary>
    [JsonPropertyName("owner")]
    public required string Owner { get; init; }

    [JsonPropertyName("scopes")]
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The key's plan; <c>null</c> for the quotas' default plan (<c>Gateway:Quotas:DefaultPlan</c>) at the time of each request.</summary>
    [JsonPropertyName("plan")]
    public string? Plan { get; init; }

    [JsonPropertyName("rate_limit")]
    public ApiKeyRateLimit? RateLimit { get; init; }

    [JsonPropertyName("created")]
    public required DateTimeOffset Created { get; init; }

    [JsonPropertyName("last_used")]
    public DateTimeOffset? LastUsed { get; init; }

    [JsonPropertyName("revoked")]
    public DateTimeOffset? Revoked { get; init; }

    [JsonIgnore]
    public bool IsRevoked => Revoked is not null;
}
