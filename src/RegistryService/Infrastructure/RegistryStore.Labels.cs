using System.Globalization;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Aliases, tags, description and deletions: each one write that also stamps the model as updated.</summary>
internal sealed partial class RegistryStore
{
    /// <summary>Points <paramref name="alias"/> at a version (moving it if it pointed elsewhere); <c>null</c> when the version does not exist.</summary>
    public ModelVersion? SetAlias(string name, string alias, int version) =>
        WriteForVersion(name, version, write =>
        {
            var before = Scalar(write.Connection, write.Transaction, "SELECT version FROM aliases WHERE model = $model AND alias = $alias",
                ("$model", name), ("$alias", alias));
            int? from = before is null ? null : Convert.ToInt32(before, CultureInfo.InvariantCulture);
            if (from == version)
            {
                return;
            }

            Execute(write.Connection, write.Transaction,
                "INSERT INTO aliases (model, alias, version) VALUES ($model, $alias, $version) ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version",
                ("$model", name), ("$alias", alias), ("$version", version));
            write.Event(name, AuditActions.AliasSet, version, alias, Text(from), Text(version));
            write.Change(name, ChangeKinds.AliasSet, version);
        });

    public bool DeleteAlias(string name, string alias) =>
        WriteForModel(name, write =>
        {
            if (Scalar(write.Connection, write.Transaction, "DELETE FROM aliases WHERE model = $model AND alias = $alias RETURNING version",
                    ("$model", name), ("$alias", alias)) is not { } deleted)
            {
                return false;
            }

            var version = Convert.ToInt32(deleted, CultureInfo.InvariantCulture);
            write.Event(name, AuditActions.AliasDeleted, version, alias, from: Text(version));
            write.Change(name, ChangeKinds.AliasDeleted, version);
            return true;
        });

    /// <summary>The version an alias points at; <c>null</c> when the model or alias does not exist.</summary>
    public ModelVersion? GetAlias(string name, string alias)
    {
        using var connection = _database.Open();
        var version = Scalar(connection, null, "SELECT version FROM aliases WHERE model = $model AND alias = $alias", ("$model", name), ("$alias", alias));
        return version is null ? null : ReadVersion(connection, name, Convert.ToInt32(version));
    }

    /// <summary>Sets a model tag; <c>false</c> when the model does not exist.</summary>
    public bool SetModelTag(string name, string key, string value) =>
        WriteForModel(name, write =>
        {
            SetTag(write, name, null, key, value);
            return true;
        });

    public bool DeleteModelTag(string name, string key) =>
        WriteForModel(name, write => DeleteTag(write, name, null, key));

    /// <summary>Sets a version tag; <c>null</c> when the version does not exist.</summary>
    public ModelVersion? SetVersionTag(string name, int version, string key, string value) =>
        WriteForVersion(name, version, write => SetTag(write, name, version, key, value));

    public bool DeleteVersionTag(string name, int version, string key) =>
        WriteForModel(name, write => DeleteTag(write, name, version, key));

    /// <summary>
    /// Replaces the model's description when <paramref name="acceptedRevisions"/> is <c>null</c> or holds
    /// the model's current revision (its ETag), checked in the same transaction.
    /// </summary>
    public (UpdateModelResult Result, RegisteredModel? Model) UpdateModelDescription(string name, string? description, IReadOnlyCollection<long>? acceptedRevisions)
    {
        using var write = BeginWrite();
        using (var command = Command(write.Connection, write.Transaction, "SELECT description, revision FROM models WHERE name = $model", ("$model", name)))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return (UpdateModelResult.NotFound, null);
            }

            if (acceptedRevisions is not null && !acceptedRevisions.Contains(reader.GetInt64(1)))
            {
                return (UpdateModelResult.Stale, null);
            }

            var before = reader.IsDBNull(0) ? null : reader.GetString(0);
            reader.Close();
            if (before != description)
            {
                Execute(write.Connection, write.Transaction, "UPDATE models SET description = $description WHERE name = $model",
                    ("$description", description), ("$model", name));
                write.Event(name, AuditActions.ModelUpdated, key: "description", from: before, to: description);
                write.Touch(name);
            }
        }

        write.Commit();
        return (UpdateModelResult.Updated, ReadModel(write.Connection, name));
    }

    /// <summary>
    /// Deletes a model with its versions, tags and aliases. Artifacts stay (they are shared by
    /// content, and unreferenced ones are cleared at start); so does the audit trail, which ends
    /// with the <c>model_deleted</c> event.
    /// </summary>
    public bool DeleteModel(string name)
    {
        using var write = BeginWrite();
        Execute(write.Connection, write.Transaction, "DELETE FROM aliases WHERE model = $model", ("$model", name));
        if (Execute(write.Connection, write.Transaction, "DELETE FROM models WHERE name = $model", ("$model", name)) == 0)
        {
            return false;
        }

        write.Event(name, AuditActions.ModelDeleted);
        write.Change(name, ChangeKinds.ModelDeleted, null);
        write.Commit();
        return true;
    }

    /// <summary>Deletes a version (and the aliases pointing at it). One in Production needs <paramref name="force"/>.</summary>
    public DeleteVersionResult DeleteVersion(string name, int version, bool force)
    {
        using var write = BeginWrite();
        var stage = Scalar(write.Connection, write.Transaction, "SELECT stage FROM versions WHERE model = $model AND version = $version",
            ("$model", name), ("$version", version)) as string;
        if (stage is null)
        {
            return DeleteVersionResult.NotFound;
        }

        if (stage == nameof(ModelStage.Production) && !force)
        {
            return DeleteVersionResult.InProduction;
        }

        var aliases = new List<string>();
        using (var command = Command(write.Connection, write.Transaction,
                   "DELETE FROM aliases WHERE model = $model AND version = $version RETURNING alias", ("$model", name), ("$version", version)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                aliases.Add(reader.GetString(0));
            }
        }

        Execute(write.Connection, write.Transaction, "DELETE FROM versions WHERE model = $model AND version = $version", ("$model", name), ("$version", version));
        foreach (var alias in aliases.Order(StringComparer.Ordinal))
        {
            write.Event(name, AuditActions.AliasDeleted, version, alias, from: Text(version));
        }

        write.Event(name, AuditActions.VersionDeleted, version, from: stage);
        write.Change(name, ChangeKinds.VersionDeleted, version);
        write.Touch(name);
        write.Commit();
        return DeleteVersionResult.Deleted;
    }

    private static void SetTag(RegistryWrite write, string name, int? version, string key, string value)
    {
        var (table, where) = TagTable(version);
        var before = Scalar(write.Connection, write.Transaction, $"SELECT value FROM {table} WHERE {where} AND key = $key",
            ("$model", name), ("$version", version), ("$key", key)) as string;
        if (before == value)
        {
            return;
        }

        Execute(write.Connection, write.Transaction,
            version is null
                ? "INSERT INTO model_tags (model, key, value) VALUES ($model, $key, $value) ON CONFLICT (model, key) DO UPDATE SET value = excluded.value"
                : "INSERT INTO version_tags (model, version, key, value) VALUES ($model, $version, $key, $value) ON CONFLICT (model, version, key) DO UPDATE SET value = excluded.value",
            ("$model", name), ("$version", version), ("$key", key), ("$value", value));
        write.Event(name, AuditActions.TagSet, version, key, before, value);
    }

    private static bool DeleteTag(RegistryWrite write, string name, int? version, string key)
    {
        var (table, where) = TagTable(version);
        if (Scalar(write.Connection, write.Transaction, $"DELETE FROM {table} WHERE {where} AND key = $key RETURNING value",
                ("$model", name), ("$version", version), ("$key", key)) is not string before)
        {
            return false;
        }

        write.Event(name, AuditActions.TagDeleted, version, key, from: before);
        return true;
    }

    private static (string Table, string Where) TagTable(int? version) =>
        version is null ? ("model_tags", "model = $model") : ("version_tags", "model = $model AND version = $version");

    private static string? Text(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    private bool WriteForModel(string name, Func<RegistryWrite, bool> change)
    {
        using var write = BeginWrite();
        if (Scalar(write.Connection, write.Transaction, "SELECT 1 FROM models WHERE name = $model", ("$model", name)) is null || !change(write))
        {
            return false;
        }

        write.Touch(name);
        write.Commit();
        return true;
    }

    private ModelVersion? WriteForVersion(string name, int version, Action<RegistryWrite> change)
    {
        using var write = BeginWrite();
        if (Scalar(write.Connection, write.Transaction, "SELECT 1 FROM versions WHERE model = $model AND version = $version",
                ("$model", name), ("$version", version)) is null)
        {
            return null;
        }

        change(write);
        write.Touch(name);
        write.Commit();
        return ReadVersion(write.Connection, name, version);
    }
}

internal enum DeleteVersionResult
{
    Deleted,
    NotFound,
    InProduction,
}

internal enum UpdateModelResult
{
    Updated,
    NotFound,
    Stale,
}
