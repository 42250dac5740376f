using System.Net;
using Maestro.Gateway.Routing;
using Maestro.Gateway.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Maestro.Gateway.Resilience;

/// <summary>
/// Retries a proxied request once when the first attempt never reached its service: the connection
/// was refused or failed (always safe), or — for inference and reads, which have no side effects — the
/// service dropped the connection before any response byte. With several destinations the failed one
/// is taken out of rotation at once (passive health) until its active health check, or the
/// reactivation period (<see cref="GatewayRoutingOptions.PassiveReactivation"/>, default 5 s), lets it
/// back, and the retry goes to another. A cluster with a single destination (in Kubernetes: one Service
/// address in front of every worker pod) never loses it: the retry goes to the same address on a fresh
/// connection, which the Service may send to another pod. YARP has no retry of its own.
/// </summary>
/// <remarks>
/// Only requests whose body can be replayed are retried: no body, one of a known length of at most
/// <see cref="ReplayableBody.MaxBytes"/> (held in a pooled buffer), or a chunked inference body of up to
/// <see cref="MaxChunkedInferenceBodyBytes"/>. Larger bodies (model uploads) are forwarded as a stream
/// and never retried.
/// </remarks>
internal sealed partial class UpstreamRetry(
    IDestinationHealthUpdater health,
    IHttpForwarder forwarder,
    UpstreamLatency latency,
    GatewayTelemetry telemetry,
    IOptions<GatewayRoutingOptions> options,
    ILogger<UpstreamRetry> logger) : IDisposable
{
    private readonly TimeSpan _reactivation = options.Value.PassiveReactivation;

    // Connections that are never pooled: a retry to a single address must not reuse a connection to the instance that just failed.
    private readonly HttpMessageInvoker _fresh = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    public const int MaxChunkedInferenceBodyBytes = 10 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        var replayable = await PrepareReplayAsync(context, proxy.Cluster.Config.ClusterId == GatewayRoutes.WorkerCluster);

        // Load balancing narrows AvailableDestinations to the one it picks; keep the full list.
        var candidates = proxy.AvailableDestinations;
        await next(context);

        var error = context.GetForwarderErrorFeature();
        if (error is null || proxy.ProxiedDestination is not { } failed || context.Response.HasStarted
            || !NeverAnswered(error, proxy, context.Request))
        {
            return;
        }

        var cluster = proxy.Route.Cluster;
        var (others, single) = RetryTargets(candidates, failed, cluster?.Destinations.Count ?? 0);
        if (!single && cluster is not null)
        {
            health.SetPassive(cluster, failed, DestinationHealth.Unhealthy, _reactivation);
        }

        if (!replayable || others.Count == 0)
        {
            return;
        }

        LogRetry(logger, proxy.Cluster.Config.ClusterId, failed.DestinationId, error.Error, single ? "the same address on a fresh connection" : "another");
        telemetry.UpstreamRetries.Add(1, new KeyValuePair<string, object?>("cluster", proxy.Cluster.Config.ClusterId));
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        if (single)
        {
            await latency.InvokeAsync(context, retried => ForwardFreshAsync(retried, proxy, failed));
            return;
        }

        proxy.AvailableDestinations = others;
        proxy.ProxiedDestination = null;
        await next(context);
    }

    /// <summary>
    /// Where a request that never reached its service goes again: to the destinations other than the
    /// failed one that were available when it started — also when discovery has meanwhile taken the
    /// failed one out of the cluster (a replica that died, unlisted while its request failed); only when
    /// there is no other destination, and the cluster has at most one, to the same address
    /// (<c>Single</c>: on a fresh connection, the destination kept in rotation). No targets: no retry.
    /// </summary>
    internal static (IReadOnlyList<DestinationState> Targets, bool Single) RetryTargets(
        IReadOnlyList<DestinationState> candidates, DestinationState failed, int clusterDestinations)
    {
        IReadOnlyList<DestinationState> others = [.. candidates.Where(destination => destination != failed)];
        return others.Count == 0 && clusterDestinations <= 1 ? ([failed], true) : (others, false);
    }

    /// <summary>Forwards on a connection of its own; a failure is reported through <see cref="IForwarderErrorFeature"/>, as in the pipeline.</summary>
    private async Task ForwardFreshAsync(HttpContext context, IReverseProxyFeature proxy, DestinationState destination)
    {
        proxy.ProxiedDestination = destination;
        await forwarder.SendAsync(context, destination.Model.Config.Address, _fresh,
            proxy.Cluster.Config.HttpRequest ?? ForwarderRequestConfig.Empty, proxy.Route.Transformer);
    }

    /// <summary>
    /// Makes the body replayable when it is small enough to send twice: a known length up to
    /// <see cref="ReplayableBody.MaxBytes"/> into a pooled buffer; a body without a length (chunked, as
    /// some HTTP clients send JSON) only for inference, up to <see cref="MaxChunkedInferenceBodyBytes"/>.
    /// </summary>
    private static async ValueTask<bool> PrepareReplayAsync(HttpContext context, bool inference)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return true;
        }

        if (request.Body.CanSeek || await ReplayableBody.OfAsync(context) is not null)
        {
            return true;
        }

        if (request.ContentLength is null && inference)
        {
            request.EnableBuffering(bufferThreshold: ReplayableBody.MaxBytes, bufferLimit: MaxChunkedInferenceBodyBytes);
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

    public void Dispose() => _fresh.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Cluster} destination {Destination} failed before answering ({Error}); retrying on {Target}.")]
    private static partial void LogRetry(ILogger logger, string cluster, string destination, ForwarderError error, string target);
}
