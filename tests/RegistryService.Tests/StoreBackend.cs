namespace Maestro.RegistryService.Tests;

/// <summary>
/// The registry's two database back-ends. Every test class that goes through the store runs once on
/// each: it is abstract, with nested <c>OnSqlite</c> and <c>OnPostgres</c> classes that xunit runs.
/// </summary>
public enum StoreBackend
{
    Sqlite,

    /// <summary>A database of its own on the test run's one PostgreSQL server (<see cref="Maestro.Testing.PostgresServer.Shared"/>).</summary>
    Postgres,
}
