using Maestro.RegistryService.Infrastructure.Sqlite;
using Maestro.Testing;
using Microsoft.Data.Sqlite;

namespace Maestro.RegistryService.Tests.Infrastructure.Sqlite;

public sealed class SqliteRegistryDatabaseTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("database");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string DatabasePath => Path.Combine(_directory, "nested", "registry.db");

    [Fact]
    public void Constructor_NewFile_CreatesSchemaAtCurrentVersion()
    {
        var database = new SqliteRegistryDatabase(DatabasePath);

        using var connection = database.Open();
        Assert.Equal(SqliteRegistryDatabase.SchemaVersion, UserVersion(connection));
        Assert.Equal(["aliases", "change_retention", "changes", "events", "model_card_sections", "model_tags", "models", "sqlite_sequence", "version_origins", "version_tags", "versions"], Tables(connection));
    }

    [Fact]
    public void Constructor_ExistingDatabase_KeepsRowsAndSchemaVersion()
    {
        using (var connection = new SqliteRegistryDatabase(DatabasePath).Open())
        {
            Execute(connection, "INSERT INTO models (name, created_at, updated_at) VALUES ('kept', 1, 1)");
        }

        SqliteConnection.ClearAllPools();
        var reopened = new SqliteRegistryDatabase(DatabasePath);

        using var again = reopened.Open();
        Assert.Equal(SqliteRegistryDatabase.SchemaVersion, UserVersion(again));
        Assert.Equal("kept", Scalar(again, "SELECT name FROM models"));
    }

    [Fact]
    public void Constructor_DatabaseAtSchemaVersion1_MigratesKeepingRows()
    {
        using (var first = new SqliteRegistryDatabase(DatabasePath).Open())
        {
            Execute(first, "DROP TABLE change_retention; DROP TABLE version_origins; DROP TABLE version_tags; DROP TABLE model_card_sections; DROP TABLE events; DROP TABLE changes; ALTER TABLE models DROP COLUMN revision; PRAGMA user_version = 1;");
            Execute(first, "INSERT INTO models (name, created_at, updated_at) VALUES ('old', 1, 1)");
        }

        using var upgraded = new SqliteRegistryDatabase(DatabasePath).Open();

        Assert.Equal(SqliteRegistryDatabase.SchemaVersion, UserVersion(upgraded));
        Assert.Contains("version_tags", Tables(upgraded));
        Assert.Contains("model_card_sections", Tables(upgraded));
        Assert.Equal("old", Scalar(upgraded, "SELECT name FROM models"));
    }

    [Fact]
    public void Constructor_DatabaseAtSchemaVersion2_AddsAuditTrailChangeFeedAndRevisionKeepingRows()
    {
        using (var first = new SqliteRegistryDatabase(DatabasePath).Open())
        {
            Execute(first, "DROP TABLE change_retention; DROP TABLE version_origins; DROP TABLE events; DROP TABLE changes; ALTER TABLE models DROP COLUMN revision; PRAGMA user_version = 2;");
            Execute(first, "INSERT INTO models (name, created_at, updated_at) VALUES ('old', 1, 1)");
        }

        using var upgraded = new SqliteRegistryDatabase(DatabasePath).Open();

        Assert.Equal(SqliteRegistryDatabase.SchemaVersion, UserVersion(upgraded));
        Assert.Contains("events", Tables(upgraded));
        Assert.Contains("changes", Tables(upgraded));
        Assert.Equal(1L, Scalar(upgraded, "SELECT revision FROM models WHERE name = 'old'"));
    }

    [Fact]
    public void Constructor_DatabaseAtSchemaVersion4_AddsChangeRetentionKeepingTheFeed()
    {
        using (var first = new SqliteRegistryDatabase(DatabasePath).Open())
        {
            Execute(first, "DROP TABLE change_retention; PRAGMA user_version = 4;");
            Execute(first, "INSERT INTO changes (model, kind, version, timestamp) VALUES ('old', 'version_created', '1', 1)");
        }

        using var upgraded = new SqliteRegistryDatabase(DatabasePath).Open();

        Assert.Equal(SqliteRegistryDatabase.SchemaVersion, UserVersion(upgraded));
        Assert.Equal(0L, Scalar(upgraded, "SELECT pruned_through FROM change_retention"));
        Assert.Equal(1L, Scalar(upgraded, "SELECT COUNT(*) FROM changes"));
    }

    [Fact]
    public void Constructor_NewerSchemaVersion_RefusesToOpen()
    {
        using (var connection = new SqliteRegistryDatabase(DatabasePath).Open())
        {
            Execute(connection, $"PRAGMA user_version = {SqliteRegistryDatabase.SchemaVersion + 5}");
        }

        SqliteConnection.ClearAllPools();
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteRegistryDatabase(DatabasePath));

        Assert.Contains($"schema version {SqliteRegistryDatabase.SchemaVersion + 5}", error.Message);
        Assert.Contains("newer registry", error.Message);
    }

    [Fact]
    public void Open_Connection_EnforcesForeignKeys()
    {
        using var connection = new SqliteRegistryDatabase(DatabasePath).Open();

        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO model_tags (model, key, value) VALUES ('ghost', 'k', 'v')"));
    }

    private static long UserVersion(SqliteConnection connection) => (long)Scalar(connection, "PRAGMA user_version")!;

    private static string[] Tables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
