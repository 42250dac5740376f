using System.Globalization;
using Maestro.Contracts;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Aliases (as in MLflow 2.9+) and tags on models and versions. Each change is one write that also
/// stamps the model as updated and records the change in the audit trail (and, for aliases, in the
/// change feed: an alias can choose which version serves). Each says what it could not find.
/// </summary>
internal sealed class LabelStore(RegistryWrites writes)
{
    private IRegistryDatabase Database => writes.Database;

    /// <summary>Points <paramref name="alias"/> at a version, moving it if it pointed elsewhere; answers that version.</summary>
    public StoreResult<ModelVersion> SetAlias(string name, string alias, int version) =>
        writes.OnVersion(name, version, write =>
        {
            var before = Scalar(write.Connection, write.Transaction, "SELECT version FROM aliases WHERE model = @model AND alias = @alias",
                ("@model", name), ("@alias", alias));
            int? from = before is null ? null : Convert.ToInt32(before, CultureInfo.InvariantCulture);
            if (from == version)
            {
                return;
            }

            Execute(write.Connection, write.Transaction,
                "INSERT INTO aliases (model, alias, version) VALUES (@model, @alias, @version) ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version",
                ("@model", name), ("@alias", alias), ("@version", version));
            write.Event(name, AuditActions.AliasSet, version, alias, Text(from), Text(version));
            write.Change(name, ChangeKinds.AliasSet, version);
        }, reportMissingModel: true);

    public StoreOutcome DeleteAlias(string name, string alias) =>
        writes.OnModel(name, write =>
        {
            if (Scalar(write.Connection, write.Transaction, "DELETE FROM aliases WHERE model = @model AND alias = @alias RETURNING version",
                    ("@model", name), ("@alias", alias)) is not { } deleted)
            {
                return StoreOutcome.AliasNotFound;
            }

            var version = Convert.ToInt32(deleted, CultureInfo.InvariantCulture);
            write.Event(name, AuditActions.AliasDeleted, version, alias, from: Text(version));
            write.Change(name, ChangeKinds.AliasDeleted, version);
            return StoreOutcome.Done;
        });

    /// <summary>The version an alias points at: <see cref="StoreOutcome.ModelNotFound"/> or <see cref="StoreOutcome.AliasNotFound"/> when there is none.</summary>
    public StoreResult<ModelVersion> GetAlias(string name, string alias)
    {
        using var connection = Database.Open();
        if (Scalar(connection, null, "SELECT version FROM aliases WHERE model = @model AND alias = @alias", ("@model", name), ("@alias", alias)) is { } version)
        {
            return StoreResult<ModelVersion>.Done(RecordReader.ReadVersion(connection, Database.Dialect, name, Convert.ToInt32(version, CultureInfo.InvariantCulture))!);
        }

        return Exists(connection, null, "SELECT 1 FROM models WHERE name = @model", ("@model", name)) ? StoreOutcome.AliasNotFound : StoreOutcome.ModelNotFound;
    }

    /// <summary>Sets a model tag; answers the model as it is now.</summary>
    public StoreResult<RegisteredModel> SetModelTag(string name, string key, string value)
    {
        var outcome = writes.OnModel(name, write =>
        {
            SetTag(write, name, null, key, value);
            return StoreOutcome.Done;
        });
        if (outcome != StoreOutcome.Done)
        {
            return outcome;
        }

        using var connection = Database.Open();
        return RecordReader.ReadModel(connection, Database.Dialect, name) is { } model ? StoreResult<RegisteredModel>.Done(model) : StoreOutcome.ModelNotFound;
    }

    public StoreOutcome DeleteModelTag(string name, string key) =>
        writes.OnModel(name, write => DeleteTag(write, name, null, key) ? StoreOutcome.Done : StoreOutcome.TagNotFound);

    /// <summary>Sets a version tag; answers the version as it is now.</summary>
    public StoreResult<ModelVersion> SetVersionTag(string name, int version, string key, string value) =>
        writes.OnVersion(name, version, write => SetTag(write, name, version, key, value), reportMissingModel: true);

    public StoreOutcome DeleteVersionTag(string name, int version, string key) =>
        writes.OnModel(name, write =>
            !RegistryWrites.VersionExists(write, name, version) ? StoreOutcome.VersionNotFound
            : DeleteTag(write, name, version, key) ? StoreOutcome.Done
            : StoreOutcome.TagNotFound);

    /// <summary>Sets a tag on the model (<paramref name="version"/> <c>null</c>) or a version, recording it when it changes.</summary>
    internal static void SetTag(RegistryWrite write, string name, int? version, string key, string value)
    {
        var (table, where) = TagTable(version);
        var before = Scalar(write.Connection, write.Transaction, $"SELECT value FROM {table} WHERE {where} AND key = @key",
            ("@model", name), ("@version", version), ("@key", key)) as string;
        if (before == value)
        {
            return;
        }

        Execute(write.Connection, write.Transaction,
            version is null
                ? "INSERT INTO model_tags (model, key, value) VALUES (@model, @key, @value) ON CONFLICT (model, key) DO UPDATE SET value = excluded.value"
                : "INSERT INTO version_tags (model, version, key, value) VALUES (@model, @version, @key, @value) ON CONFLICT (model, version, key) DO UPDATE SET value = excluded.value",
            ("@model", name), ("@version", version), ("@key", key), ("@value", value));
        write.Event(name, AuditActions.TagSet, version, key, before, value);
    }

    /// <summary>A version number as the audit trail writes it.</summary>
    internal static string? Text(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static bool DeleteTag(RegistryWrite write, string name, int? version, string key)
    {
        var (table, where) = TagTable(version);
        if (Scalar(write.Connection, write.Transaction, $"DELETE FROM {table} WHERE {where} AND key = @key RETURNING value",
                ("@model", name), ("@version", version), ("@key", key)) is not string before)
        {
            return false;
        }

        write.Event(name, AuditActions.TagDeleted, version, key, from: before);
        return true;
    }

    private static (string Table, string Where) TagTable(int? version) =>
        version is null ? ("model_tags", "model = @model") : ("version_tags", "model = @model AND version = @version");
}
