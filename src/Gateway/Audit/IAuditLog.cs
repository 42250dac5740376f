namespace Maestro.Gateway.Audit;

/// <summary>
/// The gateway's audit trail of API keys and refresh-token families, beside the keys: in Redis when
/// <c>ConnectionStrings:redis</c> is set (every replica writes to one trail), else in
/// <c>&lt;Gateway:DataDirectory&gt;/audit.json</c>. Keeps the newest <see cref="MaxEvents"/>.
/// </summary>
internal interface IAuditLog
{
    public const int MaxEvents = 100_000;

    /// <summary>Appends <paramref name="audit"/> under the next id (its own <see cref="AuditEvent.Id"/> is ignored).</summary>
    Task RecordAsync(AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> events with ids below <paramref name="before"/> (all when <c>null</c>), newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAsync(int limit, long? before, CancellationToken cancellationToken);
}
