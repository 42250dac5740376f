namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Opens the stores when the host starts, before the server takes requests, rather than on the first
/// request that needs them: the schema is migrated, scratch files and artifacts that no version
/// refers to (what a crash mid-upload leaves) are deleted, and a data directory the registry cannot
/// use stops the process with its reason.
/// </summary>
internal sealed partial class StoreInitializer(IServiceProvider services, ILogger<StoreInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var versions = services.GetRequiredService<VersionStore>();
        var artifacts = services.GetRequiredService<ArtifactStore>();
        var deleted = versions.DeleteUnreferencedArtifacts(artifacts);
        if (deleted > 0)
        {
            LogUnreferencedDeleted(logger, deleted);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} artifact file(s) that no version refers to.")]
    private static partial void LogUnreferencedDeleted(ILogger logger, int count);
}
