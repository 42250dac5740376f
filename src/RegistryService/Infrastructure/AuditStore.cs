using System.Data.Common;
using Maestro.Contracts;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Reading the audit trail and the change feed that every <see cref="RegistryWrite"/> appends to.</summary>
internal sealed class AuditStore(IRegistryDatabase database)
{
    /// <summary>
    /// A page of the events of <paramref name="name"/>, newest first, older than <paramref name="beforeId"/>
    /// when given; the last id is the next page's start when more follow. <c>null</c> when no model of
    /// that name exists and none ever left a trail.
    /// </summary>
    public (IReadOnlyList<RegistryEvent> Events, long? LastId)? ListEvents(string name, int maxResults, long? beforeId)
    {
        using var connection = database.Open();
        using var transaction = database.Dialect.BeginRead(connection);
        var events = ReadEvents(connection, transaction, "WHERE model = @model AND id < @before ORDER BY id DESC LIMIT @limit",
            ("@model", name), ("@before", beforeId ?? long.MaxValue), ("@limit", maxResults + 1));
        if (events.Count == 0 && beforeId is null
            && !Exists(connection, transaction, "SELECT 1 FROM models WHERE name = @model", ("@model", name)))
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
    internal static List<RegistryEvent> ReadStageHistory(DbConnection connection, DbTransaction? transaction, string name, int version) =>
        ReadEvents(connection, transaction,
            """
            WHERE model = @model AND version = @version AND action = @action
              AND id > (SELECT COALESCE(MAX(id), 0) FROM events WHERE model = @model AND action = @created)
            ORDER BY id
            """,
            ("@model", name), ("@version", version), ("@action", AuditActions.StageChanged), ("@created", AuditActions.ModelCreated));

    /// <summary>
    /// Changes with a sequence above <paramref name="since"/>, oldest first, at most
    /// <paramref name="maxResults"/>, and the store's highest sequence (0 when empty), read together.
    /// </summary>
    public ChangePage ListChanges(long since, int maxResults)
    {
        using var connection = database.Open();
        using var transaction = database.Dialect.BeginRead(connection);
        var changes = new List<RegistryChange>();
        using (var command = Command(connection, transaction,
                   "SELECT sequence, model, kind, version, timestamp FROM changes WHERE sequence > @since ORDER BY sequence LIMIT @limit",
                   ("@since", since), ("@limit", maxResults)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                changes.Add(new RegistryChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.NullableString(3), reader.GetInt64(4)));
            }
        }

        var last = Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(sequence), 0) FROM changes"));
        var pruned = PrunedThrough(connection, transaction);
        return new ChangePage(changes, Math.Max(last, pruned), pruned, since < pruned);
    }

    /// <summary>
    /// Change-feed retention: deletes the changes older than <paramref name="before"/> (Unix ms) and those
    /// beyond the newest <paramref name="maxRows"/>, whichever deletes more, always from the oldest on
    /// (what is kept is every change after one sequence), and records the highest sequence deleted so
    /// a reader further behind learns it (<see cref="ChangePage.BehindWindow"/>). Under the write lock,
    /// so a change being committed is never between the two. Returns how many rows went.
    /// </summary>
    public int PruneChanges(long before, int maxRows)
    {
        using var connection = database.Open();
        using var transaction = database.Dialect.BeginWrite(connection);
        var byAge = Convert.ToInt64(Scalar(connection, transaction,
            "SELECT COALESCE(MAX(sequence), 0) FROM changes WHERE timestamp < @before", ("@before", before)));
        var byCount = Scalar(connection, transaction,
            "SELECT sequence FROM changes ORDER BY sequence DESC LIMIT 1 OFFSET @keep", ("@keep", maxRows)) is { } beyond
            ? Convert.ToInt64(beyond)
            : 0;
        var through = Math.Max(byAge, byCount);
        if (through <= PrunedThrough(connection, transaction))
        {
            return 0;
        }

        var deleted = Execute(connection, transaction, "DELETE FROM changes WHERE sequence <= @through", ("@through", through));
        Execute(connection, transaction, "UPDATE change_retention SET pruned_through = @through", ("@through", through));
        transaction.Commit();
        return deleted;
    }

    private static long PrunedThrough(DbConnection connection, DbTransaction transaction) =>
        Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(pruned_through), 0) FROM change_retention"));

    private static List<RegistryEvent> ReadEvents(DbConnection connection, DbTransaction? transaction, string where, params (string Name, object? Value)[] parameters)
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
                reader.NullableString(5),
                reader.NullableString(6),
                reader.NullableString(7)));
        }

        return events;
    }
}
