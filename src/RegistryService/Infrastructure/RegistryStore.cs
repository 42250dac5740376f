using System.Text.Json;
using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Models, versions and their stages in SQLite. Every change is one transaction: a version row is
/// written only after its artifact is in place, and a stage change with
/// <c>archive_existing_versions</c> archives the others in the same transaction.
/// </summary>
internal sealed partial class RegistryStore
{
    private static readonly JsonSerializerOptions SignatureJson = new(JsonSerializerDefaults.Web);

    private readonly RegistryDatabase _database;
    private readonly TimeProvider _time;

    public RegistryStore(RegistryDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates a model; <c>null</c> when the name is taken.</summary>
    public RegisteredModel? CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        try
        {
            Execute(connection, transaction,
                "INSERT INTO models (name, description, created_at, updated_at) VALUES ($name, $description, $now, $now)",
                ("$name", name), ("$description", description), ("$now", now));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            return null;
        }

        foreach (var (key, value) in tags)
        {
            Execute(connection, transaction, "INSERT INTO model_tags (model, key, value) VALUES ($model, $key, $value)",
                ("$model", name), ("$key", key), ("$value", value));
        }

        transaction.Commit();
        return ReadModel(connection, name);
    }

    public RegisteredModel? GetModel(string name)
    {
        using var connection = _database.Open();
        return ReadModel(connection, name);
    }

    /// <summary>
    /// Records a new version whose artifact is already in the artifact store. Version numbers come
    /// from the model's counter, so they are never reused, even after deletes. <c>null</c> when the
    /// model does not exist. <paramref name="alsoWrite"/> adds rows about the new version number in
    /// the same transaction.
    /// </summary>
    public ModelVersion? AddVersion(
        string name, string? description, string sha256, long sizeBytes, ModelInspection inspection,
        Action<SqliteConnection, SqliteTransaction, int>? alsoWrite = null)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        var number = Scalar(connection, transaction, "SELECT next_version FROM models WHERE name = $name", ("$name", name));
        if (number is null)
        {
            return null;
        }

        var version = Convert.ToInt32(number);
        var now = Now();
        Execute(connection, transaction, "UPDATE models SET next_version = $next, updated_at = $now WHERE name = $name",
            ("$next", version + 1), ("$now", now), ("$name", name));
        Execute(connection, transaction,
            """
            INSERT INTO versions (model, version, stage, description, sha256, size_bytes, producer, signature, created_at, updated_at)
            VALUES ($model, $version, $stage, $description, $sha256, $size, $producer, $signature, $now, $now)
            """,
            ("$model", name), ("$version", version), ("$stage", nameof(ModelStage.None)), ("$description", description),
            ("$sha256", sha256), ("$size", sizeBytes), ("$producer", inspection.Producer),
            ("$signature", JsonSerializer.Serialize(inspection.Signature, SignatureJson)), ("$now", now));
        alsoWrite?.Invoke(connection, transaction, version);
        transaction.Commit();
        return ReadVersion(connection, name, version);
    }

    public ModelVersion? GetVersion(string name, int version)
    {
        using var connection = _database.Open();
        return ReadVersion(connection, name, version);
    }

    /// <summary>Every version of a model, newest first; <c>null</c> when the model does not exist.</summary>
    public IReadOnlyList<ModelVersion>? ListVersions(string name)
    {
        using var connection = _database.Open();
        if (Scalar(connection, null, "SELECT 1 FROM models WHERE name = $name", ("$name", name)) is null)
        {
            return null;
        }

        return ReadVersions(connection, null, "WHERE model = $model ORDER BY version DESC", ("$model", name));
    }

    /// <summary>
    /// Moves a version to <paramref name="stage"/>; with <paramref name="archiveExisting"/> every other
    /// version currently in that stage moves to Archived in the same transaction.
    /// </summary>
    public ModelVersion? TransitionStage(string name, int version, ModelStage stage, bool archiveExisting)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        var changed = Execute(connection, transaction,
            "UPDATE versions SET stage = $stage, updated_at = $now WHERE model = $model AND version = $version",
            ("$stage", stage.ToString()), ("$now", now), ("$model", name), ("$version", version));
        if (changed == 0)
        {
            return null;
        }

        if (archiveExisting && stage is not ModelStage.None and not ModelStage.Archived)
        {
            Execute(connection, transaction,
                "UPDATE versions SET stage = $archived, updated_at = $now WHERE model = $model AND stage = $stage AND version <> $version",
                ("$archived", nameof(ModelStage.Archived)), ("$now", now), ("$model", name), ("$stage", stage.ToString()), ("$version", version));
        }

        Execute(connection, transaction, "UPDATE models SET updated_at = $now WHERE name = $name", ("$now", now), ("$name", name));
        transaction.Commit();
        return ReadVersion(connection, name, version);
    }

    public bool CanConnect()
    {
        using var connection = _database.Open();
        return Scalar(connection, null, "SELECT 1") is not null;
    }

    private static RegisteredModel? ReadModel(SqliteConnection connection, string name)
    {
        using var command = Command(connection, null, "SELECT name, description, created_at, updated_at FROM models WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var (modelName, description, created, updated) =
            (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
        reader.Close();

        var latest = ReadVersions(connection, null,
            """
            WHERE model = $model AND version IN (SELECT MAX(version) FROM versions WHERE model = $model GROUP BY stage)
            ORDER BY version DESC
            """,
            ("$model", modelName));
        return new RegisteredModel(modelName, description, ReadPairs<string>(connection, "SELECT key, value FROM model_tags WHERE model = $model ORDER BY key", modelName),
            created, updated, latest, ReadPairs<int>(connection, "SELECT alias, version FROM aliases WHERE model = $model ORDER BY alias", modelName));
    }

    private static ModelVersion? ReadVersion(SqliteConnection connection, string name, int version) =>
        ReadVersions(connection, null, "WHERE model = $model AND version = $version", ("$model", name), ("$version", version)).FirstOrDefault();

    private static List<ModelVersion> ReadVersions(SqliteConnection connection, SqliteTransaction? transaction, string where, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction,
            "SELECT model, version, stage, description, sha256, size_bytes, producer, signature, created_at, updated_at FROM versions " + where,
            parameters);
        using var reader = command.ExecuteReader();
        var versions = new List<ModelVersion>();
        while (reader.Read())
        {
            versions.Add(new ModelVersion(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                JsonSerializer.Deserialize<ModelSignature>(reader.GetString(7), SignatureJson)!,
                reader.GetInt64(8),
                reader.GetInt64(9),
                new Dictionary<string, string>(),
                []));
        }

        reader.Close();
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            versions[i] = v with
            {
                Tags = ReadPairs<string>(connection, "SELECT key, value FROM version_tags WHERE model = $model AND version = $version ORDER BY key", v.Name, v.Version),
                Aliases = ReadPairs<string>(connection, "SELECT alias, alias FROM aliases WHERE model = $model AND version = $version ORDER BY alias", v.Name, v.Version).Keys.ToArray(),
            };
        }

        return versions;
    }

    private static Dictionary<string, T> ReadPairs<T>(SqliteConnection connection, string sql, string model, int? version = null)
    {
        using var command = Command(connection, null, sql, ("$model", model), ("$version", version));
        using var reader = command.ExecuteReader();
        var pairs = new Dictionary<string, T>(StringComparer.Ordinal);
        while (reader.Read())
        {
            pairs[reader.GetString(0)] = reader.GetFieldValue<T>(1);
        }

        return pairs;
    }
}
