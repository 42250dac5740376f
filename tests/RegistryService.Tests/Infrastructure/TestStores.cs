using System.Data.Common;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Infrastructure.Postgres;
using Maestro.RegistryService.Infrastructure.Sqlite;
using Maestro.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>
/// The registry's stores on a database of their own — a SQLite file in a temp directory, or a new
/// database on the test run's PostgreSQL server — deleted (the directory) on dispose.
/// </summary>
internal sealed class TestStores : IDisposable
{
    /// <param name="connectionString">On PostgreSQL, an existing database to share (a second process's stores); a new one when <c>null</c>.</param>
    /// <param name="sqliteDirectory">On SQLite, an existing directory whose database to share; a new one when <c>null</c>.</param>
    public TestStores(
        string prefix, TimeProvider time, AuditActor? actor = null, IChangePublisher? publisher = null, StoreBackend backend = StoreBackend.Sqlite,
        string? connectionString = null, string? sqliteDirectory = null)
    {
        Backend = backend;
        DataDirectory = TestPaths.NewTempDirectory(prefix);
        ConnectionString = backend == StoreBackend.Postgres ? connectionString ?? StoreBackends.NewConnectionString(backend) : null;
        Database = ConnectionString is not null
            ? new PostgresRegistryDatabase(ConnectionString)
            : SqliteRegistryDatabase.Create(Options.Create(new RegistryOptions { DataDirectory = sqliteDirectory ?? DataDirectory }));
        Writes = new RegistryWrites(Database, time, actor, publisher);
        Models = new ModelStore(Writes);
        Versions = new VersionStore(Writes);
        Labels = new LabelStore(Writes);
        Audit = new AuditStore(Database);
    }

    public StoreBackend Backend { get; }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL database's connection string; <c>null</c> on SQLite.</summary>
    public string? ConnectionString { get; }

    public IRegistryDatabase Database { get; }

    public RegistryWrites Writes { get; }

    public ModelStore Models { get; }

    public VersionStore Versions { get; }

    public LabelStore Labels { get; }

    public AuditStore Audit { get; }

    /// <summary>Makes every insert into <paramref name="table"/> fail, as a full disk or a lost connection would, until <see cref="AllowInserts"/>.</summary>
    public void FailInsertsInto(string table) => Execute(Backend == StoreBackend.Postgres
        ? $"""
          CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$;
          CREATE TRIGGER fail_inserts BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_insert();
          """
        : $"CREATE TRIGGER fail_inserts BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;");

    public void AllowInserts() => Execute(Backend == StoreBackend.Postgres
        ? "DROP FUNCTION fail_insert() CASCADE"
        : "DROP TRIGGER fail_inserts");

    public void Dispose()
    {
        (Database as IDisposable)?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private void Execute(string sql)
    {
        using DbConnection connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
