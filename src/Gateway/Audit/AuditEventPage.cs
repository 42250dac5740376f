using System.Text.Json.Serialization;

namespace Maestro.Gateway.Audit;

/// <summary>A page of events, newest first; <see cref="NextPageToken"/> asks for the older ones.</summary>
public sealed record AuditEventPage(
    [property: JsonPropertyName("events")] IReadOnlyList<AuditEvent> Events,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);
