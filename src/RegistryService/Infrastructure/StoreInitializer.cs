namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Opens the stores when the host starts rather than on the first request that needs them: the
/// schema is migrated, scratch files left by a crash are cleared, and a data directory the registry
/// cannot use stops the process with its reason.
/// </summary>
internal sealed class StoreInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<RegistryStore>();
        services.GetRequiredService<ArtifactStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
