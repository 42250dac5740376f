using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Aliases, tags and deletions: each one transaction that also stamps the model as updated.</summary>
internal sealed partial class RegistryStore
{
    /// <summary>Points <paramref name="alias"/> at a version (moving it if it pointed elsewhere); <c>null</c> when the version does not exist.</summary>
    public ModelVersion? SetAlias(string name, string alias, int version) =>
        WriteForVersion(name, version, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO aliases (model, alias, version) VALUES ($model, $alias, $version) ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version",
            ("$model", name), ("$alias", alias), ("$version", version)));

    public bool DeleteAlias(string name, string alias) =>
        WriteForModel(name, (connection, transaction) =>
            Execute(connection, transaction, "DELETE FROM aliases WHERE model = $model AND alias = $alias", ("$model", name), ("$alias", alias)) > 0);

    /// <summary>The version an alias points at; <c>null</c> when the model or alias does not exist.</summary>
    public ModelVersion? GetAlias(string name, string alias)
    {
        using var connection = _database.Open();
        var version = Scalar(connection, null, "SELECT version FROM aliases WHERE model = $model AND alias = $alias", ("$model", name), ("$alias", alias));
        return version is null ? null : ReadVersion(connection, name, Convert.ToInt32(version));
    }

    /// <summary>Sets a model tag; <c>false</c> when the model does not exist.</summary>
    public bool SetModelTag(string name, string key, string value) =>
        WriteForModel(name, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO model_tags (model, key, value) VALUES ($model, $key, $value) ON CONFLICT (model, key) DO UPDATE SET value = excluded.value",
            ("$model", name), ("$key", key), ("$value", value)) > 0);

    public bool DeleteModelTag(string name, string key) =>
        WriteForModel(name, (connection, transaction) =>
            Execute(connection, transaction, "DELETE FROM model_tags WHERE model = $model AND key = $key", ("$model", name), ("$key", key)) > 0);

    /// <summary>Sets a version tag; <c>null</c> when the version does not exist.</summary>
    public ModelVersion? SetVersionTag(string name, int version, string key, string value) =>
        WriteForVersion(name, version, (connection, transaction) => Execute(connection, transaction,
            "INSERT INTO version_tags (model, version, key, value) VALUES ($model, $version, $key, $value) ON CONFLICT (model, version, key) DO UPDATE SET value = excluded.value",
            ("$model", name), ("$version", version), ("$key", key), ("$value", value)));

    public bool DeleteVersionTag(string name, int version, string key) =>
        WriteForModel(name, (connection, transaction) => Execute(connection, transaction,
            "DELETE FROM version_tags WHERE model = $model AND version = $version AND key = $key",
            ("$model", name), ("$version", version), ("$key", key)) > 0);

    /// <summary>Deletes a model with its versions, tags and aliases. Artifacts stay: they are shared by content.</summary>
    public bool DeleteModel(string name)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "DELETE FROM aliases WHERE model = $model", ("$model", name));
        var deleted = Execute(connection, transaction, "DELETE FROM models WHERE name = $model", ("$model", name)) > 0;
        transaction.Commit();
        return deleted;
    }

    /// <summary>Deletes a version (and the aliases pointing at it). One in Production needs <paramref name="force"/>.</summary>
    public DeleteVersionResult DeleteVersion(string name, int version, bool force)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        var stage = Scalar(connection, transaction, "SELECT stage FROM versions WHERE model = $model AND version = $version", ("$model", name), ("$version", version)) as string;
        if (stage is null)
        {
            return DeleteVersionResult.NotFound;
        }

        if (stage == nameof(ModelStage.Production) && !force)
        {
            return DeleteVersionResult.InProduction;
        }

        Execute(connection, transaction, "DELETE FROM aliases WHERE model = $model AND version = $version", ("$model", name), ("$version", version));
        Execute(connection, transaction, "DELETE FROM versions WHERE model = $model AND version = $version", ("$model", name), ("$version", version));
        Touch(connection, transaction, name);
        transaction.Commit();
        return DeleteVersionResult.Deleted;
    }

    private bool WriteForModel(string name, Func<SqliteConnection, SqliteTransaction, bool> write)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        if (Scalar(connection, transaction, "SELECT 1 FROM models WHERE name = $model", ("$model", name)) is null || !write(connection, transaction))
        {
            return false;
        }

        Touch(connection, transaction, name);
        transaction.Commit();
        return true;
    }

    private ModelVersion? WriteForVersion(string name, int version, Action<SqliteConnection, SqliteTransaction> write)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        if (Scalar(connection, transaction, "SELECT 1 FROM versions WHERE model = $model AND version = $version", ("$model", name), ("$version", version)) is null)
        {
            return null;
        }

        write(connection, transaction);
        Touch(connection, transaction, name);
        transaction.Commit();
        return ReadVersion(connection, name, version);
    }

    private void Touch(SqliteConnection connection, SqliteTransaction transaction, string name) =>
        Execute(connection, transaction, "UPDATE models SET updated_at = $now WHERE name = $model", ("$now", Now()), ("$model", name));
}

internal enum DeleteVersionResult
{
    Deleted,
    NotFound,
    InProduction,
}
