using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Starts the registry's changes: each <see cref="RegistryWrite"/> on a connection of its own, stamped
/// with one time from the registry's clock and the caller (<see cref="AuditActor"/>; <c>anonymous</c>
/// without one), publishing its change-feed entries after commit (without a publisher they are only
/// listed). Also the common shapes of a change to an existing model or version.
/// </summary>
internal sealed class RegistryWrites(IRegistryDatabase database, TimeProvider time, AuditActor? actor = null, IChangePublisher? publisher = null)
{
    public IRegistryDatabase Database => database;

    /// <summary>Starts a change: see <see cref="RegistryWrite"/>.</summary>
    public RegistryWrite Begin()
    {
        var connection = database.Open();
        try
        {
            return new(connection, database.Dialect.BeginWrite(connection), time.GetUtcNow().ToUnixTimeMilliseconds(),
                actor?.Current ?? AuditActor.Anonymous, publisher ?? NoChangePublisher.Instance);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A change to an existing model: <see cref="StoreOutcome.ModelNotFound"/> when there is none, else
    /// <paramref name="change"/>'s outcome. Committed, with the model stamped as updated, only when that is Done.
    /// </summary>
    public StoreOutcome OnModel(string name, Func<RegistryWrite, StoreOutcome> change)
    {
        using var write = Begin();
        if (!ModelExists(write, name))
        {
            return StoreOutcome.ModelNotFound;
        }

        var outcome = change(write);
        if (outcome == StoreOutcome.Done)
        {
            write.Touch(name);
            write.Commit();
        }

        return outcome;
    }

    /// <summary>
    /// A change to an existing version, committed with the model stamped as updated; the version as it
    /// is afterwards. <see cref="StoreOutcome.VersionNotFound"/> when there is no such version — or,
    /// with <paramref name="reportMissingModel"/>, <see cref="StoreOutcome.ModelNotFound"/> when the model itself is missing.
    /// </summary>
    public StoreResult<ModelVersion> OnVersion(string name, int version, Action<RegistryWrite> change, bool reportMissingModel = false)
    {
        using var write = Begin();
        if (reportMissingModel && !ModelExists(write, name))
        {
            return StoreOutcome.ModelNotFound;
        }

        if (!VersionExists(write, name, version))
        {
            return StoreOutcome.VersionNotFound;
        }

        change(write);
        write.Touch(name);
        write.Commit();
        return StoreResult<ModelVersion>.Done(RecordReader.ReadVersion(write.Connection, database.Dialect, name, version)!);
    }

    public static bool ModelExists(RegistryWrite write, string name) =>
        Exists(write.Connection, write.Transaction, "SELECT 1 FROM models WHERE name = @model", ("@model", name));

    public static bool VersionExists(RegistryWrite write, string name, int version) =>
        Exists(write.Connection, write.Transaction, "SELECT 1 FROM versions WHERE model = @model AND version = @version", ("@model", name), ("@version", version));
}
