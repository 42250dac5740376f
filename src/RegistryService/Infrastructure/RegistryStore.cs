using System.Text.Json;
using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Models, versions and their stages in SQLite. Every change is one <see cref="RegistryWrite"/>: one
/// transaction that also appends to the audit trail and the change feed. A version row is written
/// only after its artifact is in place, and a stage change with <c>archive_existing_versions</c>
/// archives the others in the same transaction.
/// </summary>
internal sealed partial class RegistryStore
{
    private static readonly JsonSerializerOptions SignatureJson = new(JsonSerializerDefaults.Web);

    private readonly RegistryDatabase _database;
    private readonly TimeProvider _time;
    private readonly AuditActor? _actor;
    private readonly IChangePublisher _publisher;

    /// <param name="actor">Who is calling; without one every change is recorded as <c>anonymous</c>.</param>
    /// <param name="publisher">Where committed changes are announced; without one they are only listed.</param>
    public RegistryStore(RegistryDatabase database, TimeProvider time, AuditActor? actor = null, IChangePublisher? publisher = null)
    {
        _database = database;
        _time = time;
        _actor = actor;
        _publisher = publisher ?? NoChangePublisher.Instance;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts a change: see <see cref="RegistryWrite"/>.</summary>
    internal RegistryWrite BeginWrite() => new(_database.Open(), Now(), _actor?.Current ?? AuditActor.Anonymous, _publisher);

    /// <summary>Creates a model; <c>null</c> when the name is taken.</summary>
    public RegisteredModel? CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags)
    {
        using var write = BeginWrite();
        try
        {
            Execute(write.Connection, write.Transaction,
                "INSERT INTO models (name, description, created_at, updated_at) VALUES ($name, $description, $now, $now)",
                ("$name", name), ("$description", description), ("$now", write.Now));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            return null;
        }

        foreach (var (key, value) in tags)
        {
            Execute(write.Connection, write.Transaction, "INSERT INTO model_tags (model, key, value) VALUES ($model, $key, $value)",
                ("$model", name), ("$key", key), ("$value", value));
        }

        write.Event(name, AuditActions.ModelCreated, to: description);
        write.Commit();
        return ReadModel(write.Connection, name);
    }

    public RegisteredModel? GetModel(string name)
    {
        using var connection = _database.Open();
        return ReadModel(connection, name);
    }

    /// <summary>
    /// Records a new version whose artifact is already in the artifact store. Version numbers come
    /// from the model's counter, so they are never reused, even after deletes. <c>null</c> when the
    /// model does not exist.
    /// </summary>
    public ModelVersion? AddVersion(string name, string? description, string sha256, long sizeBytes, ModelInspection inspection)
    {
        using var write = BeginWrite();
        var number = Scalar(write.Connection, write.Transaction, "SELECT next_version FROM models WHERE name = $name", ("$name", name));
        if (number is null)
        {
            return null;
        }

        var version = Convert.ToInt32(number);
        Execute(write.Connection, write.Transaction, "UPDATE models SET next_version = $next WHERE name = $name",
            ("$next", version + 1), ("$name", name));
        Execute(write.Connection, write.Transaction,
            """
            INSERT INTO versions (model, version, stage, description, sha256, size_bytes, producer, signature, created_at, updated_at)
            VALUES ($model, $version, $stage, $description, $sha256, $size, $producer, $signature, $now, $now)
            """,
            ("$model", name), ("$version", version), ("$stage", nameof(ModelStage.None)), ("$description", description),
            ("$sha256", sha256), ("$size", sizeBytes), ("$producer", inspection.Producer),
            ("$signature", JsonSerializer.Serialize(inspection.Signature, SignatureJson)), ("$now", write.Now));
        write.Event(name, AuditActions.VersionCreated, version, to: nameof(ModelStage.None));
        write.Change(name, ChangeKinds.VersionCreated, version);
        write.Touch(name);
        write.Commit();
        return ReadVersion(write.Connection, name, version);
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
    /// version currently in that stage moves to Archived in the same transaction. Each version whose
    /// stage changes gets a <c>stage_changed</c> event and change-feed entry.
    /// </summary>
    public ModelVersion? TransitionStage(string name, int version, ModelStage stage, bool archiveExisting)
    {
        using var write = BeginWrite();
        if (Scalar(write.Connection, write.Transaction, "SELECT stage FROM versions WHERE model = $model AND version = $version",
                ("$model", name), ("$version", version)) is not string current)
        {
            return null;
        }

        SetStage(write, name, version, current, stage.ToString(), key: null);
        if (archiveExisting && stage is not ModelStage.None and not ModelStage.Archived)
        {
            var others = new List<int>();
            using (var command = Command(write.Connection, write.Transaction,
                       "SELECT version FROM versions WHERE model = $model AND stage = $stage AND version <> $version ORDER BY version",
                       ("$model", name), ("$stage", stage.ToString()), ("$version", version)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    others.Add(reader.GetInt32(0));
                }
            }

            foreach (var other in others)
            {
                SetStage(write, name, other, stage.ToString(), nameof(ModelStage.Archived), key: "archive_existing_versions");
            }
        }

        write.Touch(name);
        write.Commit();
        return ReadVersion(write.Connection, name, version);
    }

    private static void SetStage(RegistryWrite write, string name, int version, string from, string to, string? key)
    {
        Execute(write.Connection, write.Transaction,
            "UPDATE versions SET stage = $stage, updated_at = $now WHERE model = $model AND version = $version",
            ("$stage", to), ("$now", write.Now), ("$model", name), ("$version", version));
        if (from != to)
        {
            write.Event(name, AuditActions.StageChanged, version, key, from, to);
            write.Change(name, ChangeKinds.StageChanged, version);
        }
    }

    /// <summary>The SHA-256 of every version's artifact.</summary>
    public HashSet<string> ReferencedArtifacts()
    {
        using var connection = _database.Open();
        using var command = Command(connection, null, "SELECT DISTINCT sha256 FROM versions");
        using var reader = command.ExecuteReader();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            referenced.Add(reader.GetString(0));
        }

        return referenced;
    }

    public bool CanConnect()
    {
        using var connection = _database.Open();
        return Scalar(connection, null, "SELECT 1") is not null;
    }

    private static RegisteredModel? ReadModel(SqliteConnection connection, string name) => ReadModels(connection, [name]).FirstOrDefault();

    /// <summary>
    /// The models named, in that order (names that do not exist are left out), read with a fixed
    /// number of queries however many there are: a page of a listing costs as much as one model.
    /// </summary>
    private static List<RegisteredModel> ReadModels(SqliteConnection connection, IReadOnlyList<string> names)
    {
        const string InNames = "IN (SELECT value FROM json_each($names))";
        var namesJson = JsonSerializer.Serialize(names);
        var rows = new Dictionary<string, (string? Description, long Created, long Updated, long Revision)>(StringComparer.Ordinal);
        using (var command = Command(connection, null,
                   $"SELECT name, description, created_at, updated_at, revision FROM models WHERE name {InNames}", ("$names", namesJson)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        var tags = ReadGroupedPairs<string>(connection, $"SELECT model, key, value FROM model_tags WHERE model {InNames} ORDER BY model, key", ("$names", namesJson));
        var aliases = ReadGroupedPairs<int>(connection, $"SELECT model, alias, version FROM aliases WHERE model {InNames} ORDER BY model, alias", ("$names", namesJson));
        var latest = ReadVersions(connection, null,
            $"WHERE (model, version) IN (SELECT model, MAX(version) FROM versions WHERE model {InNames} GROUP BY model, stage) ORDER BY model, version DESC",
            ("$names", namesJson)).ToLookup(v => v.Name, StringComparer.Ordinal);

        var models = new List<RegisteredModel>(rows.Count);
        foreach (var name in names)
        {
            if (!rows.TryGetValue(name, out var row))
            {
                continue;
            }

            models.Add(new RegisteredModel(name, row.Description, tags.GetValueOrDefault(name) ?? [], row.Created, row.Updated,
                [.. latest[name]], aliases.GetValueOrDefault(name) ?? [])
            {
                Revision = row.Revision,
            });
        }

        return models;
    }

    private static ModelVersion? ReadVersion(SqliteConnection connection, string name, int version) =>
        ReadVersions(connection, null, "WHERE model = $model AND version = $version", ("$model", name), ("$version", version)).FirstOrDefault();

    /// <summary>Versions chosen by <paramref name="where"/>, with their tags and aliases (three queries in all).</summary>
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
        if (versions.Count == 0)
        {
            return versions;
        }

        const string InVersions = "IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($versions))";
        var versionsJson = JsonSerializer.Serialize(versions.Select(v => new object[] { v.Name, v.Version }));
        var tags = ReadGroupedPairs<string>(connection,
            $"SELECT model || '/' || version, key, value FROM version_tags WHERE (model, version) {InVersions} ORDER BY model, version, key",
            ("$versions", versionsJson));
        var aliases = ReadGroupedPairs<string>(connection,
            $"SELECT model || '/' || version, alias, alias FROM aliases WHERE (model, version) {InVersions} ORDER BY model, version, alias",
            ("$versions", versionsJson));
        for (var i = 0; i < versions.Count; i++)
        {
            var key = $"{versions[i].Name}/{versions[i].Version}";
            versions[i] = versions[i] with
            {
                Tags = tags.GetValueOrDefault(key) ?? [],
                Aliases = aliases.GetValueOrDefault(key)?.Keys.ToArray() ?? [],
            };
        }

        return versions;
    }

    /// <summary>Rows of (group, key, value) as group → (key → value), keeping the query's order.</summary>
    private static Dictionary<string, Dictionary<string, T>> ReadGroupedPairs<T>(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var groups = new Dictionary<string, Dictionary<string, T>>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var group = reader.GetString(0);
            if (!groups.TryGetValue(group, out var pairs))
            {
                groups[group] = pairs = new Dictionary<string, T>(StringComparer.Ordinal);
            }

            pairs[reader.GetString(1)] = reader.GetFieldValue<T>(2);
        }

        return groups;
    }
}
