using System.Text.Json;
using Maestro.RegistryService.Model;
using Microsoft.Data.Sqlite;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Model cards in SQLite: reads the registry's facts about a version (its stage history from the
/// audit trail included) together with its stored sections (<c>model_card_sections</c>) on one
/// connection, and replaces sections in one <see cref="RegistryWrite"/>, which records each edit.
/// </summary>
internal sealed class ModelCardStore
{
    private static readonly JsonSerializerOptions SignatureJson = new(JsonSerializerDefaults.Web);

    private readonly RegistryDatabase _database;
    private readonly RegistryStore _registry;

    public ModelCardStore(RegistryDatabase database, RegistryStore registry)
    {
        _database = database;
        _registry = registry;
    }

    /// <summary>The card of a version; <c>null</c> when the model or version does not exist.</summary>
    public ModelCard? GetCard(string name, int version)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        return ReadCard(connection, transaction, name, version);
    }

    /// <summary>
    /// Stores each of <paramref name="sections"/>, replacing what was there; a JSON <c>null</c> removes
    /// the section. Returns the card afterwards; <c>null</c> (and nothing stored) when the version does not exist.
    /// </summary>
    public ModelCard? PutSections(string name, int version, IReadOnlyDictionary<string, JsonElement> sections)
    {
        using var write = _registry.BeginWrite();
        var (connection, transaction) = (write.Connection, write.Transaction);
        if (Scalar(connection, transaction, "SELECT 1 FROM versions WHERE model = $model AND version = $version",
                ("$model", name), ("$version", version)) is null)
        {
            return null;
        }

        foreach (var (section, content) in sections)
        {
            var before = Scalar(connection, transaction,
                "SELECT content FROM model_card_sections WHERE model = $model AND version = $version AND section = $section",
                ("$model", name), ("$version", version), ("$section", section)) as string;
            if (content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (before is not null)
                {
                    Execute(connection, transaction,
                        "DELETE FROM model_card_sections WHERE model = $model AND version = $version AND section = $section",
                        ("$model", name), ("$version", version), ("$section", section));
                    write.Event(name, AuditActions.CardSectionDeleted, version, section);
                }

                continue;
            }

            var after = content.GetRawText();
            if (before == after)
            {
                continue;
            }

            Execute(connection, transaction,
                """
                INSERT INTO model_card_sections (model, version, section, content, updated_at)
                VALUES ($model, $version, $section, $content, $now)
                ON CONFLICT (model, version, section) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at
                """,
                ("$model", name), ("$version", version), ("$section", section), ("$content", after), ("$now", write.Now));
            write.Event(name, AuditActions.CardSectionSet, version, section);
        }

        var card = ReadCard(connection, transaction, name, version);
        write.Commit();
        return card;
    }

    private static ModelCard? ReadCard(SqliteConnection connection, SqliteTransaction transaction, string name, int version)
    {
        using var command = Command(connection, transaction,
            """
            SELECT m.description, v.stage, v.description, v.sha256, v.size_bytes, v.producer, v.signature, v.created_at, v.updated_at
            FROM versions v JOIN models m ON m.name = v.model
            WHERE v.model = $model AND v.version = $version
            """,
            ("$model", name), ("$version", version));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var modelDescription = reader.IsDBNull(0) ? null : reader.GetString(0);
        var stage = reader.GetString(1);
        var description = reader.IsDBNull(2) ? null : reader.GetString(2);
        var sha256 = reader.GetString(3);
        var size = reader.GetInt64(4);
        var producer = reader.IsDBNull(5) ? null : reader.GetString(5);
        var signature = JsonSerializer.Deserialize<ModelSignature>(reader.GetString(6), SignatureJson)!;
        var created = reader.GetInt64(7);
        var updated = reader.GetInt64(8);
        reader.Close();

        var tags = ReadPairs(connection, transaction, "SELECT key, value FROM model_tags WHERE model = $model ORDER BY key", name, version);
        var versionTags = ReadPairs(connection, transaction,
            "SELECT key, value FROM version_tags WHERE model = $model AND version = $version ORDER BY key", name, version);
        var stored = ReadPairs(connection, transaction,
            "SELECT section, content FROM model_card_sections WHERE model = $model AND version = $version", name, version);

        // Card order, not storage order; sections from a newer build that this one does not know are left out.
        var sections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var section in ModelCardSections.Names)
        {
            if (stored.TryGetValue(section, out var content))
            {
                using var document = JsonDocument.Parse(content);
                sections[section] = document.RootElement.Clone();
            }
        }

        var history = RegistryStore.ReadStageHistory(connection, transaction, name, version)
            .Select(e => new StageTransition(e.From!, e.To!, e.Timestamp, e.Actor))
            .ToArray();
        return new ModelCard(name, version, modelDescription, description, signature, tags, versionTags, stage, sha256, size, producer,
            created, updated, sections)
        {
            StageHistory = history,
        };
    }

    private static Dictionary<string, string> ReadPairs(SqliteConnection connection, SqliteTransaction transaction, string sql, string model, int version)
    {
        using var command = Command(connection, transaction, sql, ("$model", model), ("$version", version));
        using var reader = command.ExecuteReader();
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            pairs[reader.GetString(0)] = reader.GetString(1);
        }

        return pairs;
    }
}
