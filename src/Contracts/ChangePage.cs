namespace Maestro.Contracts;

/// <summary>
/// Body of <c>GET /api/v1/changes?since=N</c>: the changes after sequence N, oldest first.
/// </summary>
/// <param name="LastSequence">The highest sequence in the store (0 when it has none), whatever the page holds.</param>
public sealed record ChangePage(IReadOnlyList<RegistryChange> Changes, long LastSequence);
