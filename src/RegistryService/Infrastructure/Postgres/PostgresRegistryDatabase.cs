using System.Data.Common;
using Npgsql;

namespace Maestro.RegistryService.Infrastructure.Postgres;

/// <summary>
/// The registry's PostgreSQL database (<c>ConnectionStrings:registry</c> with <c>Host=…</c>): pooled
/// connections from one <see cref="NpgsqlDataSource"/>, and the schema kept current at start.
/// <see cref="PostgresMigrations"/> run in one transaction under an advisory lock, so registry
/// replicas that start together migrate once: the others wait, then find the schema current. The
/// table <c>schema_version</c> records how many ran.
/// </summary>
internal sealed class PostgresRegistryDatabase : IRegistryDatabase, IDisposable
{
    /// <summary>The advisory lock key of schema migrations.</summary>
    public const long MigrationLockKey = 0x4D61_6573_7472_6F01;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresRegistryDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            using var connection = _dataSource.OpenConnection();
            Migrate(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
        {
            _dataSource.Dispose();
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            throw new InvalidOperationException(
                $"The registry's PostgreSQL database ({RegistryStorage.Setting}: Host={target.Host}, Port={target.Port}, "
                + $"Database={target.Database ?? target.Username}) could not be opened: {ex.Message}", ex);
        }
    }

    public static int SchemaVersion => PostgresMigrations.All.Count;

    public ISqlDialect Dialect => PostgresDialect.Instance;

    public DbConnection Open() => _dataSource.OpenConnection();

    public void Dispose() => _dataSource.Dispose();

    private static void Migrate(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Sql.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("@key", MigrationLockKey));
        Sql.Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = Sql.Scalar(connection, transaction, "SELECT version FROM schema_version") is { } found ? Convert.ToInt32(found) : 0;
        var migrations = PostgresMigrations.All;
        if (current > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The registry database has schema version {current}, newer than this build knows ({migrations.Count}). Run a newer registry.");
        }

        for (var i = current; i < migrations.Count; i++)
        {
            Sql.Execute(connection, transaction, migrations[i]);
        }

        Sql.Execute(connection, transaction, "DELETE FROM schema_version");
        Sql.Execute(connection, transaction, "INSERT INTO schema_version (version) VALUES (@version)", ("@version", migrations.Count));
        transaction.Commit();
    }
}
