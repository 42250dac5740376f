namespace Maestro.Contracts;

/// <summary>
/// One entry of the registry's change feed: something happened to <see cref="Model"/> that can alter
/// which version serves it. The same JSON object (snake_case) is listed by <c>GET /api/v1/changes</c>
/// and published on <see cref="ChangeFeed.Channel"/>; workers read it from both.
/// </summary>
/// <param name="Sequence">Strictly increasing over the whole registry.</param>
/// <param name="Kind">One of <see cref="ChangeKinds"/>.</param>
/// <param name="Version">The version concerned, as a string; <c>null</c> for a whole-model change.</param>
/// <param name="Timestamp">When, in Unix milliseconds.</param>
public sealed record RegistryChange(long Sequence, string Model, string Kind, string? Version, long Timestamp);
