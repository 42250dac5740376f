using System.Data.Common;
using System.Text.Json;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Model cards: reads the registry's facts about a version (its stage history from the
/// audit trail included) together with its stored sections (<c>model_card_sections</c>) on one
/// connection, and replaces sections in one <see cref="RegistryWrite"/>, which records each edit.
/// </summary>
internal sealed class ModelCardStore(RegistryWrites writes)
{
    /// <summary>The card of a version; <c>null</c> when the model or version does not exist.</summary>
    public ModelCard? GetCard(string name, int version)
    {
        using var connection = writes.Database.Open();
        using var transaction = writes.Database.Dialect.BeginRead(connection);
        return ReadCard(connection, transaction, name, version);
    }

    /// <summary>
    /// Stores each of <paramref name="sections"/>, replacing what was there; a JSON <c>null</c> removes
    /// the section. Returns the card afterwards; <see cref="StoreOutcome.VersionNotFound"/> (and nothing
    /// stored) when the version does not exist.
    /// </summary>
    public StoreResult<ModelCard> PutSections(string name, int version, IReadOnlyDictionary<string, JsonElement> sections)
    {
        using var write = writes.Begin();
        var (connection, transaction) = (write.Connection, write.Transaction);
        if (!RegistryWrites.VersionExists(write, name, version))
        {
            return StoreOutcome.VersionNotFound;
        }

        foreach (var (section, content) in sections)
        {
            var before = Scalar(connection, transaction,
                "SELECT content FROM model_card_sections WHERE model = @model AND version = @version AND section = @section",
                ("@model", name), ("@version", version), ("@section", section)) as string;
            if (content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                if (before is not null)
                {
                    Execute(connection, transaction,
                        "DELETE FROM model_card_sections WHERE model = @model AND version = @version AND section = @section",
                        ("@model", name), ("@version", version), ("@section", section));
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
                VALUES (@model, @version, @section, @content, @now)
                ON CONFLICT (model, version, section) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at
                """,
                ("@model", name), ("@version", version), ("@section", section), ("@content", after), ("@now", write.Now));
            write.Event(name, AuditActions.CardSectionSet, version, section);
        }

        var card = ReadCard(connection, transaction, name, version)!;
        write.Commit();
        return StoreResult<ModelCard>.Done(card);
    }

    private static ModelCard? ReadCard(DbConnection connection, DbTransaction transaction, string name, int version)
    {
        using var command = Command(connection, transaction,
            """
            SELECT m.description, v.stage, v.description, v.sha256, v.size_bytes, v.producer, v.signature, v.created_at, v.updated_at
            FROM versions v JOIN models m ON m.name = v.model
            WHERE v.model = @model AND v.version = @version
            """,
            ("@model", name), ("@version", version));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var modelDescription = reader.NullableString(0);
        var stage = reader.GetString(1);
        var description = reader.NullableString(2);
        var sha256 = reader.GetString(3);
        var size = reader.GetInt64(4);
        var producer = reader.NullableString(5);
        var signature = RecordReader.DeserializeSignature(reader.GetString(6));
        var created = reader.GetInt64(7);
        var updated = reader.GetInt64(8);
        reader.Close();

        var tags = ReadPairs(connection, transaction, "SELECT key, value FROM model_tags WHERE model = @model ORDER BY key", name, version);
        var versionTags = ReadPairs(connection, transaction,
            "SELECT key, value FROM version_tags WHERE model = @model AND version = @version ORDER BY key", name, version);
        var stored = ReadPairs(connection, transaction,
            "SELECT section, content FROM model_card_sections WHERE model = @model AND version = @version", name, version);

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

        var history = AuditStore.ReadStageHistory(connection, transaction, name, version)
            .Select(e => new StageTransition(e.From!, e.To!, e.Timestamp, e.Actor))
            .ToArray();
        return new ModelCard(name, version, modelDescription, description, signature, tags, versionTags, stage, sha256, size, producer,
            created, updated, sections)
        {
            StageHistory = history,
        };
    }

    private static Dictionary<string, string> ReadPairs(DbConnection connection, DbTransaction transaction, string sql, string model, int version)
    {
        using var command = Command(connection, transaction, sql, ("@model", model), ("@version", version));
        using var reader = command.ExecuteReader();
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            pairs[reader.GetString(0)] = reader.GetString(1);
        }

        return pairs;
    }
}
