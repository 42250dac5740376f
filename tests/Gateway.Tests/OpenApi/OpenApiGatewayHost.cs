namespace Maestro.Gateway.Tests.OpenApi;

/// <summary>
/// The real gateway in front of a registry and two workers that publish their real (captured)
/// OpenAPI documents; the merged document is refreshed every <see cref="RefreshInterval"/>.
/// </summary>
public class OpenApiGatewayHost : GatewayHost
{
    /// <summary>How long the gateway serves one merge (short by default, so tests see changes quickly).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    internal DocumentBackend Registry { get; private set; } = null!;

    internal DocumentBackend FirstWorker { get; private set; } = null!;

    internal DocumentBackend SecondWorker { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Registry = await DocumentBackend.StartAsync(CapturedDocuments.Registry);
        FirstWorker = await DocumentBackend.StartAsync(CapturedDocuments.Worker);
        SecondWorker = await DocumentBackend.StartAsync(CapturedDocuments.Worker);
        Settings["Gateway:OpenApi:RefreshInterval"] = RefreshInterval.ToString();
        Settings["Gateway:OpenApi:RetryInterval"] = "00:00:00.2";
        Start(RegistryAddress(), FirstWorker.Address, SecondWorker.Address);
    }

    /// <summary>Where the gateway finds the registry (a host may point it at a dead address instead).</summary>
    protected virtual string RegistryAddress() => Registry.Address;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var backend in new[] { Registry, FirstWorker, SecondWorker })
        {
            await backend.DisposeAsync();
        }
    }
}
