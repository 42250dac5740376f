using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Ready only while the registry's database answers a query.</summary>
internal sealed class RegistryStoreHealthCheck(ModelStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(store.CanConnect() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("store returned nothing"));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("store unavailable", ex));
        }
    }
}
