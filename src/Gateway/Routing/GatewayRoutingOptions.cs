using System.ComponentModel.DataAnnotations;

namespace Maestro.Gateway.Routing;

/// <summary>How the gateway keeps track of the services' instances, under <c>Gateway:Routing</c>.</summary>
public sealed class GatewayRoutingOptions
{
    public const string SectionName = "Gateway:Routing";

    /// <summary>Whether each destination's <c>/alive</c> is probed (default true); off, only failed requests take a destination out of rotation.</summary>
    public bool ActiveHealthChecks { get; set; } = true;

    /// <summary>How often each destination's <c>/alive</c> is probed (default 2 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a destination that failed a request stays out of rotation unless its probe lets it back first (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PassiveReactivation { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The probe interval, or <c>null</c> when destinations are not probed.</summary>
    public TimeSpan? ProbeInterval => ActiveHealthChecks ? HealthCheckInterval : null;
}
