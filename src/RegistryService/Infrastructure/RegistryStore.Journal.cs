using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Reading the audit trail and the change feed that every <see cref="RegistryWrite"/> appends to.</summary>
internal sealed partial class RegistryStore
{
    /// <summary>
    /// A page of the events of <paramref name="name"/>, newest first, older than <paramref name="beforeId"/>
    /// when given; the last id is the next page's start when more follow. <c>null</c> when no model of
    /// that name exists and none ever left a trail.
    /// </summary>
    public (IReadOnlyList<RegistryEvent> Events, long? LastId)? ListEvents(string name, int maxResults, long? beforeId)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var events = ReadEvents(connection, transaction, "WHERE model = $model AND id < $before ORDER BY id DESC LIMIT $limit",
            ("$model", name), ("$before", beforeId ?? long.MaxValue), ("$limit", maxResults + 1));
        if (events.Count == 0 && beforeId is null
            && Scalar(connection, transaction, "SELECT 1 FROM models WHERE name = $model", ("$model", name)) is null)
        {
            return null;
        }

        var more = events.Count > maxResults;
        var page = events.Take(maxResults).ToArray();
        return (page, more ? page[^1].Id : null);
    }

    /// <summary>
    /// The stage changes of a version of the model as it exists now (a deleted and re-created model's
    /// earlier life is left out), oldest first.
    /// </summary>
    internal static List<RegistryEvent> ReadStageHistory(SqliteConnection connection, SqliteTransaction? transaction, string name, int version) =>
        ReadEvents(connection, transaction,
            """
            WHERE model = $model AND version = $version AND action = $action
              AND id > (SELECT COALESCE(MAX(id), 0) FROM events WHERE model = $model AND action = $created)
            ORDER BY id
            """,
            ("$model", name), ("$version", version), ("$action", AuditActions.StageChanged), ("$created", AuditActions.ModelCreated));

    /// <summary>
    /// Changes with a sequence above <paramref name="since"/>, oldest first, at most
    /// <paramref name="maxResults"/>, and the store's highest sequence (0 when empty), read together.
    /// </summary>
    public ChangePage ListChanges(long since, int maxResults)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var changes = new List<RegistryChange>();
        using (var command = Command(connection, transaction,
                   "SELECT sequence, model, kind, version, timestamp FROM changes WHERE sequence > $since ORDER BY sequence LIMIT $limit",
                   ("$since", since), ("$limit", maxResults)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                changes.Add(new RegistryChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
            }
        }

        var last = Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(sequence), 0) FROM changes"));
        return new ChangePage(changes, last);
    }

    private static List<RegistryEvent> ReadEvents(SqliteConnection connection, SqliteTransaction? transaction, string where, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction,
            "SELECT id, timestamp, actor, action, version, key, from_value, to_value FROM events " + where, parameters);
        using var reader = command.ExecuteReader();
        var events = new List<RegistryEvent>();
        while (reader.Read())
        {
            events.Add(new RegistryEvent(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return events;
    }
}
