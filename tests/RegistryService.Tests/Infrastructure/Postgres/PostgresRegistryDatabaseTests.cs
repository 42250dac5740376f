using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Infrastructure.Postgres;
using Maestro.Testing;
using Npgsql;

namespace Maestro.RegistryService.Tests.Infrastructure.Postgres;

/// <summary>The PostgreSQL database's schema: migrated at start, once, whoever starts at the same time.</summary>
public sealed class PostgresRegistryDatabaseTests
{
    [Fact]
    public void Constructor_NewDatabase_CreatesSchemaAtCurrentVersion()
    {
        var connectionString = PostgresServer.Shared.CreateDatabase("pg_schema");

        using var database = new PostgresRegistryDatabase(connectionString);

        using var connection = database.Open();
        Assert.Equal(PostgresRegistryDatabase.SchemaVersion, Convert.ToInt32(Sql.Scalar(connection, null, "SELECT version FROM schema_version")));
        Assert.Equal(0L, Convert.ToInt64(Sql.Scalar(connection, null, "SELECT pruned_through FROM change_retention")));
    }

    [Fact]
    public async Task Constructor_EightAtOnceOnANewDatabase_MigrateOnce()
    {
        var connectionString = PostgresServer.Shared.CreateDatabase("pg_concurrent");

        var databases = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => new PostgresRegistryDatabase(connectionString))));

        using var connection = databases[0].Open();
        Assert.Equal(1L, Convert.ToInt64(Sql.Scalar(connection, null, "SELECT COUNT(*) FROM schema_version")));
        Assert.Equal(1L, Convert.ToInt64(Sql.Scalar(connection, null, "SELECT COUNT(*) FROM change_retention")));
        foreach (var database in databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public void Constructor_ExistingDatabase_KeepsRows()
    {
        var connectionString = PostgresServer.Shared.CreateDatabase("pg_existing");
        using (var first = new PostgresRegistryDatabase(connectionString))
        using (var connection = first.Open())
        {
            Sql.Execute(connection, null, "INSERT INTO models (name, created_at, updated_at) VALUES ('kept', 1, 1)");
        }

        using var reopened = new PostgresRegistryDatabase(connectionString);

        using var again = reopened.Open();
        Assert.Equal("kept", Sql.Scalar(again, null, "SELECT name FROM models"));
    }

    [Fact]
    public void Open_Connection_EnforcesForeignKeys()
    {
        using var database = new PostgresRegistryDatabase(PostgresServer.Shared.CreateDatabase("pg_fk"));
        using var connection = database.Open();

        Assert.Throws<PostgresException>(() => Sql.Execute(connection, null, "INSERT INTO model_tags (model, key, value) VALUES ('ghost', 'k', 'v')"));
    }
}
