using System.Diagnostics.Metrics;

namespace Maestro.Gateway.Telemetry;

/// <summary>The gateway's own metrics (exported by ServiceDefaults under the <c>Maestro.</c> prefix).</summary>
internal sealed class GatewayTelemetry : IDisposable
{
    public const string Name = "Maestro.Gateway";

    private readonly Meter _meter;

    public GatewayTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        AuthenticationFailures = _meter.CreateCounter<long>("maestro.gateway.auth.failures",
            description: "Requests refused for their credentials, by reason (missing, invalid, expired, revoked, forbidden).");
        UpstreamRetries = _meter.CreateCounter<long>("maestro.gateway.upstream.retries",
            description: "Proxied requests retried on another destination after the first failed before answering, by cluster.");
    }

    public Counter<long> AuthenticationFailures { get; }

    public Counter<long> UpstreamRetries { get; }

    public void AuthenticationFailed(string reason) =>
        AuthenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
