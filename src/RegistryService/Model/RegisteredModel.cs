using System.Text.Json.Serialization;

namespace Maestro.RegistryService.Model;

/// <summary>A named model and what a client needs to pick a version of it.</summary>
/// <param name="LatestVersions">The newest version in each stage that has one.</param>
/// <param name="Aliases">Alias → version number.</param>
public sealed record RegisteredModel(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyDictionary<string, int> Aliases)
{
    /// <summary>
    /// Moves on with every change to the model or its versions, aliases and tags; the model's ETag
    /// (<c>"&lt;revision&gt;"</c>) for <c>If-Match</c>. Not part of the JSON body.
    /// </summary>
    [JsonIgnore]
    public long Revision { get; init; }

    [JsonIgnore]
    public string ETag => $"\"{Revision}\"";
}
