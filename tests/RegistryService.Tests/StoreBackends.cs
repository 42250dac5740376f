using Maestro.Testing;

namespace Maestro.RegistryService.Tests;

internal static class StoreBackends
{
    /// <summary>
    /// <c>ConnectionStrings:registry</c> for a new, empty registry database on <paramref name="backend"/>:
    /// <c>null</c> for SQLite (a file under the data directory), a new database on the shared server for PostgreSQL.
    /// </summary>
    public static string? NewConnectionString(StoreBackend backend) =>
        backend == StoreBackend.Postgres ? PostgresServer.Shared.CreateDatabase("registry") : null;
}
