using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Infrastructure.Postgres;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary><c>ConnectionStrings:registry</c> chooses the back-end; a value that names neither stops the registry naming the setting.</summary>
public sealed class RegistryStorageTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Absent_IsSqlite(string? value)
    {
        var storage = RegistryStorage.Parse(value);

        Assert.Equal(RegistryBackend.Sqlite, storage.Backend);
        Assert.False(storage.SharesDataDirectory);
    }

    [Theory]
    [InlineData("Host=db.internal;Port=5432;Database=maestro;Username=registry;Password=secret")]
    [InlineData("host=/var/run/postgresql;database=maestro")]
    [InlineData("Server=db;Database=maestro")]
    public void Parse_HostGiven_IsPostgreSqlSharingTheDataDirectory(string value)
    {
        var storage = RegistryStorage.Parse(value);

        Assert.Equal(RegistryBackend.PostgreSql, storage.Backend);
        Assert.Equal(value, storage.ConnectionString);
        Assert.True(storage.SharesDataDirectory);
    }

    [Theory]
    [InlineData("Data Source=/data/registry.db;Password=hunter2")]
    [InlineData("postgres://registry:hunter2@db/maestro")]
    public void Parse_NeitherBackEnd_FailsNamingTheSettingButNotItsValue(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RegistryStorage.Parse(value));

        Assert.Contains("ConnectionStrings:registry", error.Message);
        Assert.Contains("Host=", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Start_ConnectionStringNamesNoHost_FailsNamingTheSetting()
    {
        using var registry = new BadConnectionStringRegistryFactory();

        var error = Assert.Throws<InvalidOperationException>(() => registry.CreateClient());

        Assert.Contains("ConnectionStrings:registry", error.Message);
        Assert.DoesNotContain("registry.db", error.Message);
    }

    [Fact]
    public void Open_PostgreSqlUnreachable_FailsNamingTheSettingAndTheHost()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new PostgresRegistryDatabase("Host=/nonexistent/maestro-socket;Port=5999;Username=postgres;Database=none;Timeout=2"));

        Assert.Contains("ConnectionStrings:registry", error.Message);
        Assert.Contains("Host=/nonexistent", error.Message);
    }

    private sealed class BadConnectionStringRegistryFactory : RegistryFactory
    {
        public BadConnectionStringRegistryFactory() => Settings["ConnectionStrings:registry"] = "Data Source=registry.db";
    }
}
