using System.Text;
using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// What MLflow's registry API needs beyond <c>/api/v1</c>: renames, description edits, versions that
/// share another version's artifact, where those came from, and searching versions.
/// </summary>
internal sealed partial class RegistryStore
{
    /// <summary>
    /// Every table whose <c>model</c> column names a model as it is now; a rename rewrites them all.
    /// The audit trail moves with the model (<see cref="RegistryWrite.Renamed"/>); the change feed keeps
    /// the names things happened under.
    /// </summary>
    private static readonly string[] ModelColumnTables = ["model_tags", "versions", "version_tags", "aliases", "model_card_sections", "version_origins"];

    /// <summary>
    /// Renames a model with everything that refers to it — versions, tags, aliases, model card
    /// sections, its audit trail — in one write that also appends <c>model_renamed</c> to the trail and
    /// the change feed. Foreign keys are checked at commit, once every row has moved.
    /// </summary>
    public RenameResult RenameModel(string name, string newName)
    {
        using var write = BeginWrite();
        if (Scalar(write.Connection, write.Transaction, "SELECT 1 FROM models WHERE name = $name", ("$name", name)) is null)
        {
            return RenameResult.NotFound;
        }

        if (Scalar(write.Connection, write.Transaction, "SELECT 1 FROM models WHERE name = $name", ("$name", newName)) is not null)
        {
            return RenameResult.NameTaken;
        }

        Execute(write.Connection, write.Transaction, "PRAGMA defer_foreign_keys = ON");
        Execute(write.Connection, write.Transaction, "UPDATE models SET name = $new WHERE name = $old", ("$new", newName), ("$old", name));
        foreach (var table in ModelColumnTables)
        {
            Execute(write.Connection, write.Transaction, $"UPDATE {table} SET model = $new WHERE model = $old", ("$new", newName), ("$old", name));
        }

        write.Renamed(name, newName);
        write.Touch(newName);
        write.Commit();
        return RenameResult.Renamed;
    }

    /// <summary>Replaces a version's description; <c>null</c> when the version does not exist.</summary>
    public ModelVersion? UpdateVersionDescription(string name, int version, string? description) =>
        WriteForVersion(name, version, write =>
        {
            var before = Scalar(write.Connection, write.Transaction, "SELECT description FROM versions WHERE model = $model AND version = $version",
                ("$model", name), ("$version", version)) as string;
            if (before == description)
            {
                return;
            }

            Execute(write.Connection, write.Transaction,
                "UPDATE versions SET description = $description, updated_at = $now WHERE model = $model AND version = $version",
                ("$description", description), ("$now", write.Now), ("$model", name), ("$version", version));
            write.Event(name, AuditActions.VersionUpdated, version, "description", before, description);
        });

    /// <summary>
    /// Registers a new version of <paramref name="name"/> whose artifact is <paramref name="artifact"/>'s
    /// (same content, so the same signature), recording its <paramref name="origin"/> and tags in the
    /// same write. <c>null</c> when the model does not exist.
    /// </summary>
    public ModelVersion? AddVersionFrom(string name, ModelVersion artifact, VersionOrigin origin, string? description, IReadOnlyList<KeyValuePair<string, string>> tags) =>
        AddVersion(name, description, artifact.Sha256, artifact.SizeBytes, new ModelInspection(artifact.Signature, artifact.Producer), (write, version) =>
        {
            Execute(write.Connection, write.Transaction,
                "INSERT INTO version_origins (model, version, source, run_id, run_link, user_id) VALUES ($model, $version, $source, $run, $link, $user)",
                ("$model", name), ("$version", version), ("$source", origin.Source), ("$run", origin.RunId), ("$link", origin.RunLink), ("$user", origin.UserId));
            foreach (var (key, value) in tags)
            {
                SetTag(write, name, version, key, value);
            }
        });

    /// <summary>Where a version registered through MLflow came from; <c>null</c> for uploaded versions.</summary>
    public VersionOrigin? GetOrigin(string name, int version)
    {
        using var connection = _database.Open();
        using var command = Command(connection, null, "SELECT source, run_id, run_link, user_id FROM version_origins WHERE model = $model AND version = $version",
            ("$model", name), ("$version", version));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new VersionOrigin(reader.GetString(0), NullableString(reader, 1), NullableString(reader, 2), NullableString(reader, 3))
            : null;
    }

    /// <summary>
    /// Versions of every model matching <paramref name="filter"/> (<c>name</c> is the model's name,
    /// <c>tags.key</c> the version's tags), in model name order and newest version first, starting
    /// after <paramref name="after"/>; at most <paramref name="maxResults"/>. The last one is the
    /// next page's start when more follow.
    /// </summary>
    public (IReadOnlyList<ModelVersion> Versions, (string Name, int Version)? Last) SearchVersions(
        ModelFilter filter, int maxResults, (string Name, int Version)? after)
    {
        var sql = new StringBuilder("WHERE (model > $after OR (model = $after AND version < $afterVersion))");
        var parameters = new List<(string, object?)> { ("$after", after?.Name ?? ""), ("$afterVersion", after?.Version ?? int.MaxValue) };
        AppendFilter(sql, parameters, filter, "versions.model", "version_tags", "t.model = versions.model AND t.version = versions.version");
        sql.Append(" ORDER BY model, version DESC LIMIT $limit");
        parameters.Add(("$limit", maxResults + 1));

        using var connection = _database.Open();
        var versions = ReadVersions(connection, null, sql.ToString(), [.. parameters]);
        if (versions.Count <= maxResults)
        {
            return (versions, null);
        }

        versions.RemoveAt(maxResults);
        return (versions, (versions[^1].Name, versions[^1].Version));
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

internal enum RenameResult
{
    Renamed,
    NotFound,
    NameTaken,
}
