using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Infrastructure.Sqlite;
using Maestro.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>The registry's stores on a SQLite file of their own in a temp directory, deleted on dispose.</summary>
internal sealed class TestStores : IDisposable
{
    public TestStores(string prefix, TimeProvider time, AuditActor? actor = null, IChangePublisher? publisher = null)
    {
        DataDirectory = TestPaths.NewTempDirectory(prefix);
        Database = SqliteRegistryDatabase.Create(Options.Create(new RegistryOptions { DataDirectory = DataDirectory }));
        Writes = new RegistryWrites(Database, time, actor, publisher);
        Models = new ModelStore(Writes);
        Versions = new VersionStore(Writes);
        Labels = new LabelStore(Writes);
        Audit = new AuditStore(Database);
    }

    public string DataDirectory { get; }

    public SqliteRegistryDatabase Database { get; }

    public RegistryWrites Writes { get; }

    public ModelStore Models { get; }

    public VersionStore Versions { get; }

    public LabelStore Labels { get; }

    public AuditStore Audit { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
