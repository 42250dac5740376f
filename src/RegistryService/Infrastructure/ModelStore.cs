using System.Data.Common;
using System.Text;
using Maestro.Contracts;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Registered models: create, read, list (filtered, in name order, a page at a time), describe,
/// rename and delete. Every change is one <see cref="RegistryWrite"/> that also records it in the audit
/// trail and, when it can alter which version serves the name, in the change feed.
/// </summary>
internal sealed class ModelStore(RegistryWrites writes)
{
    /// <summary>
    /// Every table whose <c>model</c> column names a model as it is now; a rename rewrites them all.
    /// The audit trail moves with the model (<see cref="RegistryWrite.Renamed"/>); the change feed keeps
    /// the names things happened under.
    /// </summary>
    private static readonly string[] ModelColumnTables = ["model_tags", "versions", "version_tags", "aliases", "model_card_sections", "version_origins"];

    private IRegistryDatabase Database => writes.Database;

    /// <summary>Creates a model with its tags: <see cref="StoreOutcome.NameTaken"/> when a model has the name.</summary>
    public StoreResult<RegisteredModel> Create(string name, string? description, IReadOnlyDictionary<string, string> tags)
    {
        using var write = writes.Begin();
        try
        {
            Execute(write.Connection, write.Transaction,
                "INSERT INTO models (name, description, created_at, updated_at) VALUES (@name, @description, @now, @now)",
                ("@name", name), ("@description", description), ("@now", write.Now));
        }
        catch (DbException ex) when (Database.Dialect.IsUniqueViolation(ex))
        {
            return StoreOutcome.NameTaken;
        }

        foreach (var (key, value) in tags)
        {
            Execute(write.Connection, write.Transaction, "INSERT INTO model_tags (model, key, value) VALUES (@model, @key, @value)",
                ("@model", name), ("@key", key), ("@value", value));
        }

        write.Event(name, AuditActions.ModelCreated, to: description);
        write.Commit();
        return StoreResult<RegisteredModel>.Done(RecordReader.ReadModel(write.Connection, Database.Dialect, name)!);
    }

    /// <summary>The model, or <c>null</c> when none has the name.</summary>
    public RegisteredModel? Get(string name)
    {
        using var connection = Database.Open();
        return RecordReader.ReadModel(connection, Database.Dialect, name);
    }

    /// <summary>
    /// Models matching <paramref name="filter"/> whose names sort after <paramref name="afterName"/>,
    /// at most <paramref name="maxResults"/>, in name order; the last name is the next page's start
    /// when more follow.
    /// </summary>
    public (IReadOnlyList<RegisteredModel> Models, string? LastName) Search(ModelFilter filter, int maxResults, string? afterName)
    {
        var sql = new StringBuilder("SELECT name FROM models m WHERE m.name > @after");
        var parameters = new List<(string, object?)> { ("@after", afterName ?? "") };
        FilterSql.Append(sql, parameters, Database.Dialect, filter, "m.name", "model_tags", "t.model = m.name");
        sql.Append(" ORDER BY m.name LIMIT @limit");
        parameters.Add(("@limit", maxResults + 1));

        using var connection = Database.Open();
        var names = new List<string>();
        using (var command = Command(connection, null, sql.ToString(), [.. parameters]))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var more = names.Count > maxResults;
        var page = RecordReader.ReadModels(connection, Database.Dialect, names.Take(maxResults).ToArray());
        return (page, more ? page[^1].Name : null);
    }

    /// <summary>
    /// Replaces the model's description when <paramref name="acceptedRevisions"/> is <c>null</c> or holds
    /// the model's current revision (its ETag), checked in the same transaction:
    /// <see cref="StoreOutcome.ModelNotFound"/> or <see cref="StoreOutcome.Stale"/> otherwise.
    /// </summary>
    public StoreResult<RegisteredModel> UpdateDescription(string name, string? description, IReadOnlyCollection<long>? acceptedRevisions)
    {
        using var write = writes.Begin();
        using (var command = Command(write.Connection, write.Transaction, "SELECT description, revision FROM models WHERE name = @model", ("@model", name)))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return StoreOutcome.ModelNotFound;
            }

            if (acceptedRevisions is not null && !acceptedRevisions.Contains(reader.GetInt64(1)))
            {
                return StoreOutcome.Stale;
            }

            var before = reader.NullableString(0);
            reader.Close();
            if (before != description)
            {
                Execute(write.Connection, write.Transaction, "UPDATE models SET description = @description WHERE name = @model",
                    ("@description", description), ("@model", name));
                write.Event(name, AuditActions.ModelUpdated, key: "description", from: before, to: description);
                write.Touch(name);
            }
        }

        write.Commit();
        return StoreResult<RegisteredModel>.Done(RecordReader.ReadModel(write.Connection, Database.Dialect, name)!);
    }

    /// <summary>
    /// Renames a model with everything that refers to it — versions, tags, aliases, model card
    /// sections, its audit trail — in one write that also appends <c>model_renamed</c> to the trail and
    /// the change feed. Foreign keys are checked at commit, once every row has moved. Answers the model
    /// under its new name; <see cref="StoreOutcome.ModelNotFound"/> or <see cref="StoreOutcome.NameTaken"/> otherwise.
    /// </summary>
    public StoreResult<RegisteredModel> Rename(string name, string newName)
    {
        using var write = writes.Begin();
        if (!RegistryWrites.ModelExists(write, name))
        {
            return StoreOutcome.ModelNotFound;
        }

        if (RegistryWrites.ModelExists(write, newName))
        {
            return StoreOutcome.NameTaken;
        }

        Execute(write.Connection, write.Transaction, Database.Dialect.DeferForeignKeys);
        Execute(write.Connection, write.Transaction, "UPDATE models SET name = @new WHERE name = @old", ("@new", newName), ("@old", name));
        foreach (var table in ModelColumnTables)
        {
            Execute(write.Connection, write.Transaction, $"UPDATE {table} SET model = @new WHERE model = @old", ("@new", newName), ("@old", name));
        }

        write.Renamed(name, newName);
        write.Touch(newName);
        write.Commit();
        return StoreResult<RegisteredModel>.Done(RecordReader.ReadModel(write.Connection, Database.Dialect, newName)!);
    }

    /// <summary>
    /// Deletes a model with its versions, tags and aliases. Artifacts stay (they are shared by
    /// content, and unreferenced ones are cleared at start); so does the audit trail, which ends
    /// with the <c>model_deleted</c> event.
    /// </summary>
    public StoreOutcome Delete(string name)
    {
        using var write = writes.Begin();
        Execute(write.Connection, write.Transaction, "DELETE FROM aliases WHERE model = @model", ("@model", name));
        if (Execute(write.Connection, write.Transaction, "DELETE FROM models WHERE name = @model", ("@model", name)) == 0)
        {
            return StoreOutcome.ModelNotFound;
        }

        write.Event(name, AuditActions.ModelDeleted);
        write.Change(name, ChangeKinds.ModelDeleted, null);
        write.Commit();
        return StoreOutcome.Done;
    }

    /// <summary>Whether the database answers a query (the registry's readiness).</summary>
    public bool CanConnect()
    {
        using var connection = Database.Open();
        return Scalar(connection, null, "SELECT 1") is not null;
    }
}
