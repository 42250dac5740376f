namespace Maestro.Gateway.Tests;

/// <summary>A gateway whose registry and worker are both down: nothing listens at their addresses.</summary>
public sealed class DownstreamDownGatewayHost : GatewayHost
{
    public override Task InitializeAsync()
    {
        Start(EchoBackend.DownAddress(), EchoBackend.DownAddress());
        return Task.CompletedTask;
    }
}
