using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests;

/// <summary>
/// The registry in memory on a data directory of its own. The directory is deleted on dispose unless
/// it was handed in (a restart test starts a second registry on the first one's directory).
/// </summary>
public class RegistryFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsDataDirectory;

    public RegistryFactory()
        : this(StoreBackend.Sqlite)
    {
    }

    /// <summary>A registry on a new data directory and, on PostgreSQL, a new database.</summary>
    internal RegistryFactory(StoreBackend backend)
        : this(TestPaths.NewTempDirectory("registry"), ownsDataDirectory: true, StoreBackends.NewConnectionString(backend))
    {
    }

    /// <summary>
    /// A registry on <paramref name="dataDirectory"/>, deleted on dispose only when <paramref name="ownsDataDirectory"/>,
    /// and on the PostgreSQL database <paramref name="connectionString"/> names (SQLite under the directory when <c>null</c>).
    /// </summary>
    internal RegistryFactory(string dataDirectory, bool ownsDataDirectory, string? connectionString = null)
    {
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        ConnectionString = connectionString;
        if (connectionString is not null)
        {
            Settings["ConnectionStrings:registry"] = connectionString;
        }
    }

    public string DataDirectory { get; }

    /// <summary><c>ConnectionStrings:registry</c>: the PostgreSQL database, or <c>null</c> on SQLite.</summary>
    public string? ConnectionString { get; }

    public StoreBackend Backend => ConnectionString is null ? StoreBackend.Sqlite : StoreBackend.Postgres;

    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");

    public string ScratchDirectory => Path.Combine(DataDirectory, "tmp");

    /// <summary>The registry's clock: timestamps move only when a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero));

    /// <summary>Extra configuration, applied when the registry starts.</summary>
    protected Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> ArtifactFiles() =>
        Directory.Exists(ArtifactsDirectory) ? Directory.EnumerateFiles(ArtifactsDirectory, "*", SearchOption.AllDirectories) : [];

    public IEnumerable<string> ScratchFiles() =>
        Directory.Exists(ScratchDirectory) ? Directory.EnumerateFiles(ScratchDirectory, "*", SearchOption.AllDirectories) : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Registry:DataDirectory", DataDirectory);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            // Pooled connections keep the database file open; a stopped registry has none.
            SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

/// <summary>A registry on PostgreSQL: a database of its own on the test run's server.</summary>
public sealed class PostgresRegistryFactory() : RegistryFactory(StoreBackend.Postgres);

/// <summary>A registry that accepts model files of at most <see cref="MaxUploadBytes"/> bytes.</summary>
public class SmallUploadLimitRegistryFactory : RegistryFactory
{
    public const int MaxUploadBytes = 100;

    public SmallUploadLimitRegistryFactory()
        : this(StoreBackend.Sqlite)
    {
    }

    protected SmallUploadLimitRegistryFactory(StoreBackend backend)
        : base(backend) => Settings["Registry:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary><see cref="SmallUploadLimitRegistryFactory"/> on PostgreSQL.</summary>
public sealed class PostgresSmallUploadLimitRegistryFactory() : SmallUploadLimitRegistryFactory(StoreBackend.Postgres);
