using System.ComponentModel.DataAnnotations;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// How long the change feed (<c>GET /api/v1/changes</c>) keeps its rows, under
/// <c>Registry:ChangeFeed:Retention</c>: a change goes once it is older than <see cref="MaxAge"/> or
/// beyond the newest <see cref="MaxRows"/>, whichever keeps less. The audit trail is not pruned.
/// </summary>
public sealed class ChangeFeedRetentionOptions
{
    public const string SectionName = "Registry:ChangeFeed:Retention";

    /// <summary>The oldest change kept (default 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The most changes kept (default 100,000).</summary>
    [Range(1, int.MaxValue)]
    public int MaxRows { get; set; } = 100_000;

    /// <summary>How often the registry prunes (default every 10 minutes; also once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}
