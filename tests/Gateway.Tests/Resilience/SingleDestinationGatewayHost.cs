namespace Maestro.Gateway.Tests.Resilience;

/// <summary>A gateway with one registry and one worker address, probes off, a long reactivation period.</summary>
public sealed class SingleDestinationGatewayHost(string registry, string worker) : GatewayHost
{
    public override Task InitializeAsync()
    {
        Settings["Gateway:Routing:ActiveHealthChecks"] = "false";
        Settings["Gateway:Routing:PassiveReactivation"] = "00:05:00";
        Start(registry, worker);
        return Task.CompletedTask;
    }
}
