using Maestro.RegistryService.Extensions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Opens connections to the registry's SQLite file and keeps its schema current. The schema is a
/// list of migrations applied in order at start; <c>PRAGMA user_version</c> records how many ran.
/// Append to <see cref="Migrations"/>, never edit a released one.
/// </summary>
internal sealed class RegistryDatabase
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE models (
            name TEXT PRIMARY KEY NOT NULL,
            description TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            next_version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE model_tags (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, key)
        );
        CREATE TABLE versions (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            stage TEXT NOT NULL,
            description TEXT,
            sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            producer TEXT,
            signature TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (model, version)
        );
        CREATE INDEX versions_by_stage ON versions(model, stage, version);
        CREATE TABLE aliases (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (model, alias)
        );
        """,
        """
        CREATE TABLE version_tags (
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, version, key),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE
        );
        CREATE TABLE model_card_sections (
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            section TEXT NOT NULL,
            content TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (model, version, section),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE
        );
        """,
        // The audit trail and the change feed. Neither references models: the trail of a deleted
        // model stays readable, and the feed is what workers follow, deletions included.
        """
        ALTER TABLE models ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            model TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            version INTEGER,
            key TEXT,
            from_value TEXT,
            to_value TEXT
        );
        CREATE INDEX events_by_model ON events(model, id);
        CREATE TABLE changes (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            model TEXT NOT NULL,
            kind TEXT NOT NULL,
            version TEXT,
            timestamp INTEGER NOT NULL
        );
        """,
    ];

    private readonly string _connectionString;

    public RegistryDatabase(string path)
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

    public static int SchemaVersion => Migrations.Length;

    /// <summary>The database file under the registry's data directory.</summary>
    public static RegistryDatabase Create(IOptions<RegistryOptions> options) =>
        new(Path.Combine(options.ResolveDataDirectory(), "registry.db"));

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
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The registry database has schema version {current}, newer than this build knows ({Migrations.Length}). Run a newer registry.");
        }

        for (var i = current; i < Migrations.Length; i++)
        {
            Execute(connection, Migrations[i], transaction);
        }

        Execute(connection, $"PRAGMA user_version = {Migrations.Length};", transaction);
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
