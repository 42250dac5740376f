namespace Maestro.RegistryService.Infrastructure;

/// <summary>The database engine that holds the registry's records (see <see cref="RegistryStorage"/>).</summary>
internal enum RegistryBackend
{
    /// <summary>A SQLite file under <c>Registry:DataDirectory</c>, owned by one registry process.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database that several registry processes may share.</summary>
    PostgreSql,
}
