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
    /// <summary>Every table whose <c>model</c> column names a model; a rename rewrites them all.</summary>
    private static readonly string[] ModelColumnTables = ["model_tags", "versions", "version_tags", "aliases", "model_card_sections", "version_origins"];

    /// <summary>
    /// Renames a model with everything that refers to it — versions, tags, aliases, model card
    /// sections — in one transaction. Foreign keys are checked at commit, once every row moved.
    /// </summary>
    public RenameResult RenameModel(string name, string newName)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction();
        if (Scalar(connection, transaction, "SELECT 1 FROM models WHERE name = $name", ("$name", name)) is null)
        {
            return RenameResult.NotFound;
        }

        if (Scalar(connection, transaction, "SELECT 1 FROM models WHERE name = $name", ("$name", newName)) is not null)
        {
            return RenameResult.NameTaken;
        }

        Execute(connection, transaction, "PRAGMA defer_foreign_keys = ON");
        Execute(connection, transaction, "UPDATE models SET name = $new, updated_at = $now WHERE name = $old",
            ("$new", newName), ("$now", Now()), ("$old", name));
        foreach (var table in ModelColumnTables)
        {
            Execute(connection, transaction, $"UPDATE {table} SET model = $new WHERE model = $old", ("$new", newName), ("$old", name));
        }

        transaction.Commit();
        return RenameResult.Renamed;
    }

    /// <summary>Replaces a model's description; <c>null</c> when the model does not exist.</summary>
    public RegisteredModel? UpdateModelDescription(string name, string? description)
    {
        using var connection = _database.Open();
        var changed = Execute(connection, null, "UPDATE models SET description = $description, updated_at = $now WHERE name = $name",
            ("$description", description), ("$now", Now()), ("$name", name));
        return changed == 0 ? null : ReadModel(connection, name);
    }

    /// <summary>Replaces a version's description; <c>null</c> when the version does not exist.</summary>
    public ModelVersion? UpdateVersionDescription(string name, int version, string? description) =>
        WriteForVersion(name, version, (connection, transaction) => Execute(connection, transaction,
            "UPDATE versions SET description = $description, updated_at = $now WHERE model = $model AND version = $version",
            ("$description", description), ("$now", Now()), ("$model", name), ("$version", version)));

    /// <summary>
    /// Registers a new version of <paramref name="name"/> whose artifact is <paramref name="artifact"/>'s
    /// (same content, so the same signature), recording its <paramref name="origin"/> and tags in the
    /// same transaction. <c>null</c> when the model does not exist.
    /// </summary>
    public ModelVersion? AddVersionFrom(string name, ModelVersion artifact, VersionOrigin origin, string? description, IReadOnlyList<KeyValuePair<string, string>> tags) =>
        AddVersion(name, description, artifact.Sha256, artifact.SizeBytes, new ModelInspection(artifact.Signature, artifact.Producer), (connection, transaction, version) =>
        {
            Execute(connection, transaction,
                "INSERT INTO version_origins (model, version, source, run_id, run_link, user_id) VALUES ($model, $version, $source, $run, $link, $user)",
                ("$model", name), ("$version", version), ("$source", origin.Source), ("$run", origin.RunId), ("$link", origin.RunLink), ("$user", origin.UserId));
            foreach (var (key, value) in tags)
            {
                Execute(connection, transaction,
                    "INSERT INTO version_tags (model, version, key, value) VALUES ($model, $version, $key, $value) ON CONFLICT (model, version, key) DO UPDATE SET value = excluded.value",
                    ("$model", name), ("$version", version), ("$key", key), ("$value", value));
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
