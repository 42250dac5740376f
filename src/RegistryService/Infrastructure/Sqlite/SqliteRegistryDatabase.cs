using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Infrastructure.Sqlite;

/// <summary>
/// The registry's SQLite file (the default back-end): opens connections to it and keeps its schema
/// current. The schema is <see cref="SqliteMigrations"/>, applied in order at start;
/// <c>PRAGMA user_version</c> records how many ran.
/// </summary>
internal sealed class SqliteRegistryDatabase : IRegistryDatabase
{
    private readonly string _connectionString;

    public SqliteRegistryDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Migrate(connection);
    }

    public static int SchemaVersion => SqliteMigrations.All.Count;

    public ISqlDialect Dialect => SqliteDialect.Instance;

    /// <summary>The database file under the registry's data directory.</summary>
    public static SqliteRegistryDatabase Create(IOptions<RegistryOptions> options) =>
        new(Path.Combine(options.Value.DataDirectoryPath, "registry.db"));

    DbConnection IRegistryDatabase.Open() => Open();

    /// <summary>An open connection with foreign keys enforced; the caller disposes it.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private static void Migrate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", transaction));
        var migrations = SqliteMigrations.All;
        if (current > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The registry database has schema version {current}, newer than this build knows ({migrations.Count}). Run a newer registry.");
        }

        for (var i = current; i < migrations.Count; i++)
        {
            Execute(connection, migrations[i], transaction);
        }

        Execute(connection, $"PRAGMA user_version = {migrations.Count};", transaction);
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }
}
