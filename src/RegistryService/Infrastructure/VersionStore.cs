using System.Data.Common;
using System.Text;
using Maestro.Contracts;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Model versions: recorded once their artifact is in place (uploaded, or shared with another version
/// through MLflow's API, with where it came from), read, listed and searched, moved between stages and
/// deleted. Version numbers come from the model's counter, so they are never reused, even after
/// deletes. A stage change with <c>archive_existing_versions</c> archives the others in the same write.
/// </summary>
internal sealed class VersionStore(RegistryWrites writes)
{
    private IRegistryDatabase Database => writes.Database;

    /// <summary>
    /// Records a new version whose artifact is in the artifact store, or is put there by
    /// <paramref name="placeArtifact"/>, which runs inside the write (under the write lock), once the
    /// model is known to exist: so the start-up clean-up of unreferenced artifacts, which takes the
    /// same lock, never finds the file placed but not yet referenced. <see cref="StoreOutcome.ModelNotFound"/>
    /// when the model does not exist. <paramref name="alsoWrite"/> adds rows about the new version
    /// number in the same transaction.
    /// </summary>
    public StoreResult<ModelVersion> Add(
        string name, string? description, string sha256, long sizeBytes, ModelInspection inspection,
        Action<RegistryWrite, int>? alsoWrite = null, Action? placeArtifact = null)
    {
        using var write = writes.Begin();
        var number = Scalar(write.Connection, write.Transaction, "SELECT next_version FROM models WHERE name = @name", ("@name", name));
        if (number is null)
        {
            return StoreOutcome.ModelNotFound;
        }

        placeArtifact?.Invoke();

        var version = Convert.ToInt32(number);
        Execute(write.Connection, write.Transaction, "UPDATE models SET next_version = @next WHERE name = @name",
            ("@next", version + 1), ("@name", name));
        Execute(write.Connection, write.Transaction,
            """
            INSERT INTO versions (model, version, stage, description, sha256, size_bytes, producer, signature, created_at, updated_at)
            VALUES (@model, @version, @stage, @description, @sha256, @size, @producer, @signature, @now, @now)
            """,
            ("@model", name), ("@version", version), ("@stage", nameof(ModelStage.None)), ("@description", description),
            ("@sha256", sha256), ("@size", sizeBytes), ("@producer", inspection.Producer),
            ("@signature", RecordReader.SerializeSignature(inspection.Signature)), ("@now", write.Now));
        write.Event(name, AuditActions.VersionCreated, version, to: nameof(ModelStage.None));
        write.Change(name, ChangeKinds.VersionCreated, version);
        alsoWrite?.Invoke(write, version);
        write.Touch(name);
        write.Commit();
        return StoreResult<ModelVersion>.Done(RecordReader.ReadVersion(write.Connection, Database.Dialect, name, version)!);
    }

    /// <summary>
    /// Registers a new version of <paramref name="name"/> whose artifact is <paramref name="artifact"/>'s
    /// (same content, so the same signature), recording its <paramref name="origin"/> and tags in the
    /// same write: <see cref="StoreOutcome.ModelNotFound"/> when the model does not exist.
    /// </summary>
    public StoreResult<ModelVersion> AddFrom(
        string name, ModelVersion artifact, VersionOrigin origin, string? description, IReadOnlyList<KeyValuePair<string, string>> tags) =>
        Add(name, description, artifact.Sha256, artifact.SizeBytes, new ModelInspection(artifact.Signature, artifact.Producer), (write, version) =>
        {
            Execute(write.Connection, write.Transaction,
                "INSERT INTO version_origins (model, version, source, run_id, run_link, user_id) VALUES (@model, @version, @source, @run, @link, @user)",
                ("@model", name), ("@version", version), ("@source", origin.Source), ("@run", origin.RunId), ("@link", origin.RunLink), ("@user", origin.UserId));
            foreach (var (key, value) in tags)
            {
                LabelStore.SetTag(write, name, version, key, value);
            }
        });

    /// <summary>The version, or <c>null</c> when the model has no such version (or there is no such model).</summary>
    public ModelVersion? Get(string name, int version)
    {
        using var connection = Database.Open();
        return RecordReader.ReadVersion(connection, Database.Dialect, name, version);
    }

    /// <summary>Every version of a model, newest first; <c>null</c> when the model does not exist.</summary>
    public IReadOnlyList<ModelVersion>? List(string name)
    {
        using var connection = Database.Open();
        if (!Exists(connection, null, "SELECT 1 FROM models WHERE name = @name", ("@name", name)))
        {
            return null;
        }

        return RecordReader.ReadVersions(connection, null, Database.Dialect, "WHERE model = @model ORDER BY version DESC", ("@model", name));
    }

    /// <summary>
    /// Moves a version to <paramref name="stage"/>; with <paramref name="archiveExisting"/> every other
    /// version currently in that stage moves to Archived in the same transaction. Each version whose
    /// stage changes gets a <c>stage_changed</c> event and change-feed entry.
    /// <see cref="StoreOutcome.VersionNotFound"/> when there is no such version.
    /// </summary>
    public StoreResult<ModelVersion> TransitionStage(string name, int version, ModelStage stage, bool archiveExisting)
    {
        using var write = writes.Begin();
        if (Scalar(write.Connection, write.Transaction, "SELECT stage FROM versions WHERE model = @model AND version = @version",
                ("@model", name), ("@version", version)) is not string current)
        {
            return StoreOutcome.VersionNotFound;
        }

        SetStage(write, name, version, current, stage.ToString(), key: null);
        if (archiveExisting && stage is not ModelStage.None and not ModelStage.Archived)
        {
            var others = new List<int>();
            using (var command = Command(write.Connection, write.Transaction,
                       "SELECT version FROM versions WHERE model = @model AND stage = @stage AND version <> @version ORDER BY version",
                       ("@model", name), ("@stage", stage.ToString()), ("@version", version)))
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
        return StoreResult<ModelVersion>.Done(RecordReader.ReadVersion(write.Connection, Database.Dialect, name, version)!);
    }

    /// <summary>
    /// Deletes a version and the aliases pointing at it: <see cref="StoreOutcome.VersionNotFound"/> when
    /// there is none, <see cref="StoreOutcome.InProduction"/> for one in Production without <paramref name="force"/>.
    /// </summary>
    public StoreOutcome Delete(string name, int version, bool force)
    {
        using var write = writes.Begin();
        if (Scalar(write.Connection, write.Transaction, "SELECT stage FROM versions WHERE model = @model AND version = @version",
                ("@model", name), ("@version", version)) is not string stage)
        {
            return StoreOutcome.VersionNotFound;
        }

        if (stage == nameof(ModelStage.Production) && !force)
        {
            return StoreOutcome.InProduction;
        }

        var aliases = new List<string>();
        using (var command = Command(write.Connection, write.Transaction,
                   "DELETE FROM aliases WHERE model = @model AND version = @version RETURNING alias", ("@model", name), ("@version", version)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                aliases.Add(reader.GetString(0));
            }
        }

        Execute(write.Connection, write.Transaction, "DELETE FROM versions WHERE model = @model AND version = @version", ("@model", name), ("@version", version));
        foreach (var alias in aliases.Order(StringComparer.Ordinal))
        {
            write.Event(name, AuditActions.AliasDeleted, version, alias, from: LabelStore.Text(version));
        }

        write.Event(name, AuditActions.VersionDeleted, version, from: stage);
        write.Change(name, ChangeKinds.VersionDeleted, version);
        write.Touch(name);
        write.Commit();
        return StoreOutcome.Done;
    }

    /// <summary>Replaces a version's description: <see cref="StoreOutcome.VersionNotFound"/> when there is no such version.</summary>
    public StoreResult<ModelVersion> UpdateDescription(string name, int version, string? description) =>
        writes.OnVersion(name, version, write =>
        {
            var before = Scalar(write.Connection, write.Transaction, "SELECT description FROM versions WHERE model = @model AND version = @version",
                ("@model", name), ("@version", version)) as string;
            if (before == description)
            {
                return;
            }

            Execute(write.Connection, write.Transaction,
                "UPDATE versions SET description = @description, updated_at = @now WHERE model = @model AND version = @version",
                ("@description", description), ("@now", write.Now), ("@model", name), ("@version", version));
            write.Event(name, AuditActions.VersionUpdated, version, "description", before, description);
        });

    /// <summary>Where a version registered through MLflow came from; <c>null</c> for uploaded versions.</summary>
    public VersionOrigin? GetOrigin(string name, int version)
    {
        using var connection = Database.Open();
        using var command = Command(connection, null, "SELECT source, run_id, run_link, user_id FROM version_origins WHERE model = @model AND version = @version",
            ("@model", name), ("@version", version));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new VersionOrigin(reader.GetString(0), reader.NullableString(1), reader.NullableString(2), reader.NullableString(3))
            : null;
    }

    /// <summary>
    /// Versions of every model matching <paramref name="filter"/> (<c>name</c> is the model's name,
    /// <c>tags.key</c> the version's tags), in model name order and newest version first, starting
    /// after <paramref name="after"/>; at most <paramref name="maxResults"/>. The last one is the
    /// next page's start when more follow.
    /// </summary>
    public (IReadOnlyList<ModelVersion> Versions, (string Name, int Version)? Last) Search(ModelFilter filter, int maxResults, (string Name, int Version)? after)
    {
        var sql = new StringBuilder("WHERE (model > @after OR (model = @after AND version < @afterVersion))");
        var parameters = new List<(string, object?)> { ("@after", after?.Name ?? ""), ("@afterVersion", after?.Version ?? int.MaxValue) };
        FilterSql.Append(sql, parameters, Database.Dialect, filter, "versions.model", "version_tags", "t.model = versions.model AND t.version = versions.version");
        sql.Append(" ORDER BY model, version DESC LIMIT @limit");
        parameters.Add(("@limit", maxResults + 1));

        using var connection = Database.Open();
        var versions = RecordReader.ReadVersions(connection, null, Database.Dialect, sql.ToString(), [.. parameters]);
        if (versions.Count <= maxResults)
        {
            return (versions, null);
        }

        versions.RemoveAt(maxResults);
        return (versions, (versions[^1].Name, versions[^1].Version));
    }

    /// <summary>
    /// Deletes the artifact files no version refers to (<see cref="ArtifactStore.DeleteUnreferenced"/>)
    /// under the write lock, which an upload holds from moving its file into place until its version
    /// is committed: a file another registry process is just adding is never taken for an orphan.
    /// Looks first without the lock, so a start with nothing to delete does not wait for writers.
    /// </summary>
    public int DeleteUnreferencedArtifacts(ArtifactStore artifacts)
    {
        if (artifacts.Unreferenced(ReferencedArtifacts()).Count == 0)
        {
            return 0;
        }

        using var connection = Database.Open();
        using var transaction = Database.Dialect.BeginWrite(connection);
        var deleted = artifacts.DeleteUnreferenced(ReferencedArtifacts(connection, transaction));
        transaction.Commit();
        return deleted;
    }

    /// <summary>The SHA-256 of every version's artifact.</summary>
    public HashSet<string> ReferencedArtifacts()
    {
        using var connection = Database.Open();
        return ReferencedArtifacts(connection, null);
    }

    private static HashSet<string> ReferencedArtifacts(DbConnection connection, DbTransaction? transaction)
    {
        using var command = Command(connection, transaction, "SELECT DISTINCT sha256 FROM versions");
        using var reader = command.ExecuteReader();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            referenced.Add(reader.GetString(0));
        }

        return referenced;
    }

    private static void SetStage(RegistryWrite write, string name, int version, string from, string to, string? key)
    {
        Execute(write.Connection, write.Transaction,
            "UPDATE versions SET stage = @stage, updated_at = @now WHERE model = @model AND version = @version",
            ("@stage", to), ("@now", write.Now), ("@model", name), ("@version", version));
        if (from != to)
        {
            write.Event(name, AuditActions.StageChanged, version, key, from, to);
            write.Change(name, ChangeKinds.StageChanged, version);
        }
    }
}
