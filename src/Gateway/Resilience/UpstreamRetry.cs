using Maestro.Gateway.Routing;
using Maestro.Gateway.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Maestro.Gateway.Resilience;

/// <summary>
/// Retries a proxied request once on another destination when the first never reached its service:
/// the connection was refused or failed (always safe), or — for inference and reads, which have no
/// side effects — the service dropped the connection before any response byte. The failed
/// destination is taken out of rotation at once (passive health) until its active health check, or
/// the reactivation period (<see cref="GatewayRoutingOptions.PassiveReactivation"/>, default 5 s), lets it back.
/// YARP has no retry of its own.
/// </summary>
/// <remarks>
/// Only requests whose body can be replayed are retried: no body, or one of at most
/// <see cref="MaxReplayableBodyBytes"/> (chunked inference bodies: up to
/// <see cref="MaxChunkedInferenceBodyBytes"/>), buffered for that purpose. Larger bodies (model
/// uploads) are forwarded as a stream and never retried.
/// </remarks>
internal sealed partial class UpstreamRetry(
    IDestinationHealthUpdater health, GatewayTelemetry telemetry, IOptions<GatewayRoutingOptions> options, ILogger<UpstreamRetry> logger)
{
    private readonly TimeSpan _reactivation = options.Value.PassiveReactivation;

    public const int MaxReplayableBodyBytes = 1024 * 1024;
    public const int MaxChunkedInferenceBodyBytes = 10 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        var replayable = PrepareReplay(context.Request, proxy.Cluster.Config.ClusterId == GatewayRoutes.WorkerCluster);

        // Load balancing narrows AvailableDestinations to the one it picks; keep the full list.
        var candidates = proxy.AvailableDestinations;
        await next();

        var error = context.GetForwarderErrorFeature();
        if (error is null || proxy.ProxiedDestination is not { } failed || context.Response.HasStarted
            || !NeverAnswered(error, proxy, context.Request))
        {
            return;
        }

        if (proxy.Route.Cluster is { } cluster)
        {
            health.SetPassive(cluster, failed, DestinationHealth.Unhealthy, _reactivation);
        }

        var others = candidates.Where(destination => destination != failed).ToArray();
        if (!replayable || others.Length == 0)
        {
            return;
        }

        LogRetry(logger, proxy.Cluster.Config.ClusterId, failed.DestinationId, error.Error);
        telemetry.UpstreamRetries.Add(1, new KeyValuePair<string, object?>("cluster", proxy.Cluster.Config.ClusterId));
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        proxy.AvailableDestinations = others;
        proxy.ProxiedDestination = null;
        await next();
    }

    /// <summary>
    /// Buffers the body when it is small enough to send twice. A body without a length (chunked, as
    /// many HTTP clients send JSON) is buffered only for inference, up to <see cref="MaxChunkedInferenceBodyBytes"/>.
    /// </summary>
    private static bool PrepareReplay(HttpRequest request, bool inference)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return true;
        }

        if (request.ContentLength is > 0 and <= MaxReplayableBodyBytes)
        {
            request.EnableBuffering(bufferThreshold: MaxReplayableBodyBytes, bufferLimit: MaxReplayableBodyBytes);
            return true;
        }

        if (request.ContentLength is null && inference)
        {
            request.EnableBuffering(bufferThreshold: MaxReplayableBodyBytes, bufferLimit: MaxChunkedInferenceBodyBytes);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether the request may be sent again: it never reached the service (the connection failed),
    /// or no response had begun and repeating it is harmless (reads, and inference, which changes
    /// nothing).
    /// </summary>
    private static bool NeverAnswered(IForwarderErrorFeature error, IReverseProxyFeature proxy, HttpRequest request)
    {
        if (error.Error is not (ForwarderError.Request or ForwarderError.RequestBodyDestination))
        {
            return false;
        }

        if (Find<HttpRequestException>(error.Exception)?.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return true;
        }

        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || proxy.Cluster.Config.ClusterId == GatewayRoutes.WorkerCluster;
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Cluster} destination {Destination} failed before answering ({Error}); retrying on another.")]
    private static partial void LogRetry(ILogger logger, string cluster, string destination, ForwarderError error);
}
