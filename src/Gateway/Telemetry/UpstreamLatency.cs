using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace Maestro.Gateway.Telemetry;

/// <summary>
/// The last step of the proxy pipeline, around the forwarding itself: records how long each attempt at
/// a service took (a retried request records two), by cluster and outcome (<c>ok</c> or YARP's error).
/// </summary>
internal sealed class UpstreamLatency(GatewayTelemetry telemetry)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var error = context.Features.Get<IForwarderErrorFeature>()?.Error;
            telemetry.UpstreamDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("cluster", context.GetReverseProxyFeature().Cluster.Config.ClusterId),
                new KeyValuePair<string, object?>("outcome", error is null or ForwarderError.None ? "ok" : error.ToString()));
        }
    }
}
