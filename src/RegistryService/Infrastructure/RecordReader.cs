using System.Data.Common;
using System.Text.Json;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Reads registered models and versions into their records — with their tags, aliases and newest
/// version per stage — with a fixed number of queries however many are asked for, so a page of a
/// listing costs as much as one model. Shared by the stores.
/// </summary>
internal static class RecordReader
{
    private static readonly JsonSerializerOptions SignatureJson = new(JsonSerializerDefaults.Web);

    public static string SerializeSignature(ModelSignature signature) => JsonSerializer.Serialize(signature, SignatureJson);

    public static ModelSignature DeserializeSignature(string json) => JsonSerializer.Deserialize<ModelSignature>(json, SignatureJson)!;

    public static RegisteredModel? ReadModel(DbConnection connection, ISqlDialect dialect, string name) =>
        ReadModels(connection, dialect, [name]).FirstOrDefault();

    /// <summary>The models named, in that order; names that do not exist are left out.</summary>
    public static List<RegisteredModel> ReadModels(DbConnection connection, ISqlDialect dialect, IReadOnlyList<string> names)
    {
        var inNames = dialect.InTextList("@names");
        var list = dialect.TextList(names);
        var rows = new Dictionary<string, (string? Description, long Created, long Updated, long Revision)>(StringComparer.Ordinal);
        using (var command = Command(connection, null,
                   $"SELECT name, description, created_at, updated_at, revision FROM models WHERE name {inNames}", ("@names", list)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows[reader.GetString(0)] = (reader.NullableString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            }
        }

        var tags = ReadGroupedPairs<string>(connection, $"SELECT model, key, value FROM model_tags WHERE model {inNames} ORDER BY model, key", ("@names", list));
        var aliases = ReadGroupedPairs<int>(connection, $"SELECT model, alias, version FROM aliases WHERE model {inNames} ORDER BY model, alias", ("@names", list));
        var latest = ReadVersions(connection, null, dialect,
            $"WHERE (model, version) IN (SELECT model, MAX(version) FROM versions WHERE model {inNames} GROUP BY model, stage) ORDER BY model, version DESC",
            ("@names", list)).ToLookup(v => v.Name, StringComparer.Ordinal);

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

    public static ModelVersion? ReadVersion(DbConnection connection, ISqlDialect dialect, string name, int version) =>
        ReadVersions(connection, null, dialect, "WHERE model = @model AND version = @version", ("@model", name), ("@version", version)).FirstOrDefault();

    /// <summary>Versions chosen by <paramref name="where"/>, with their tags and aliases (three queries in all).</summary>
    public static List<ModelVersion> ReadVersions(
        DbConnection connection, DbTransaction? transaction, ISqlDialect dialect, string where, params (string Name, object? Value)[] parameters)
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
                reader.NullableString(3),
                reader.GetString(4),
                reader.GetInt64(5),
                reader.NullableString(6),
                DeserializeSignature(reader.GetString(7)),
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

        var inVersions = dialect.InVersionList("@versions");
        var list = dialect.VersionList(versions.Select(v => (v.Name, v.Version)));
        var tags = ReadGroupedPairs<string>(connection,
            $"SELECT model || '/' || version, key, value FROM version_tags WHERE (model, version) {inVersions} ORDER BY model, version, key",
            ("@versions", list));
        var aliases = ReadGroupedPairs<string>(connection,
            $"SELECT model || '/' || version, alias, alias FROM aliases WHERE (model, version) {inVersions} ORDER BY model, version, alias",
            ("@versions", list));
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
    private static Dictionary<string, Dictionary<string, T>> ReadGroupedPairs<T>(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
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
