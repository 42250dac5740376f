namespace Maestro.Contracts;

/// <summary>
/// Body of <c>GET /api/v1/changes?since=N</c>: the changes after sequence N, oldest first.
/// </summary>
/// <param name="LastSequence">The highest sequence in the store (0 when it has none), whatever the page holds.</param>
/// <param name="PrunedThrough">
/// The highest sequence the registry's retention has deleted (0 while none was): the feed keeps the
/// changes after it.
/// </param>
/// <param name="BehindWindow">
/// Whether N is older than what the feed keeps (N &lt; <paramref name="PrunedThrough"/>): changes after N
/// may be missing from the answer, so a follower must re-read every model it serves, then go on from
/// <paramref name="LastSequence"/>. A registry without retention never sets it (absent means false).
/// </param>
public sealed record ChangePage(IReadOnlyList<RegistryChange> Changes, long LastSequence, long PrunedThrough = 0, bool BehindWindow = false);
