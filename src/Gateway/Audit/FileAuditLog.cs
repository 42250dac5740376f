using System.Text.Json;
using Maestro.Gateway.Auth;

namespace Maestro.Gateway.Audit;

/// <summary>
/// The trail of a gateway without Redis: in memory, and in <c>audit.json</c> (0600, replaced whole at each
/// event, as the file key store does) under the data directory when there is one.
/// </summary>
internal sealed class FileAuditLog : IAuditLog
{
    public const string FileName = "audit.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly List<AuditEvent> _events;
    private readonly Lock _lock = new();

    public FileAuditLog(string? dataDirectory)
    {
        FilePath = string.IsNullOrWhiteSpace(dataDirectory) ? null : Path.Combine(dataDirectory, FileName);
        _events = FilePath is null ? [] : OwnerOnlyFile.ReadJson<List<AuditEvent>>(FilePath, "gateway audit trail", Json) ?? [];
    }

    public string? FilePath { get; }

    public Task RecordAsync(AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _events.Add(audit with { Id = _events.Count == 0 ? 1 : _events[^1].Id + 1 });
            if (_events.Count > IAuditLog.MaxEvents)
            {
                _events.RemoveRange(0, _events.Count - IAuditLog.MaxEvents);
            }

            if (FilePath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                OwnerOnlyFile.WriteJson(FilePath, _events, Json);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEvent>> ListAsync(int limit, long? before, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<AuditEvent>>(
                [.. _events.Where(e => before is null || e.Id < before).Reverse().Take(limit)]);
        }
    }
}
