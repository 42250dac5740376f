using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Maestro.AppHost.Postgres;

/// <summary>Healthy once the server answers <c>SELECT 1</c> in the registry's database.</summary>
internal sealed class PostgresReadyHealthCheck(PostgresExecutableResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!server.Endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("Its port is not allocated yet.");
        }

        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Timeout=3;Pooling=false";
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
