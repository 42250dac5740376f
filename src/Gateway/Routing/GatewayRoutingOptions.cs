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

    /// <summary>
    /// Whether the gateway calls the workers over HTTP/2 without TLS (prior knowledge) on their
    /// <c>h2c</c> endpoint (service discovery's <c>services__worker__h2c__N</c>, each worker's
    /// <c>Worker:Http2Port</c>) instead of HTTP/1.1 on <c>http</c> (default false). Concurrent requests
    /// then share a few connections, and each read and write on them carries several: under load that
    /// costs the gateway and the workers markedly less CPU per request. Use it where discovery lists every
    /// worker instance (the AppHost does); behind one address that balances connections (a Kubernetes
    /// Service) a single connection would take all requests to one instance.
    /// </summary>
    public bool WorkerHttp2 { get; set; }

    /// <summary>The probe interval, or <c>null</c> when destinations are not probed.</summary>
    public TimeSpan? ProbeInterval => ActiveHealthChecks ? HealthCheckInterval : null;
}
