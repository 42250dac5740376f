namespace Maestro.AppHost.Discovery;

public static class Http2EndpointExtensions
{
    /// <summary>The endpoint's name, as discovery knows it: <c>services__worker__h2c__N</c>, <c>http://_h2c.worker</c>.</summary>
    public const string EndpointName = "h2c";

    /// <summary>The worker's setting that names its HTTP/2 port (<c>Worker:Http2Port</c>).</summary>
    public const string WorkerPortVariable = "Worker__Http2Port";

    /// <summary>
    /// A second endpoint for the workers, where each replica speaks HTTP/2 without TLS to the gateway;
    /// the <c>http</c> endpoint stays HTTP/1.1 for health checks and everyone else. Each replica is told
    /// its own port of it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttp2Endpoint(this IResourceBuilder<ProjectResource> worker)
    {
        worker.WithHttpEndpoint(name: EndpointName);
        return worker.WithEnvironment(WorkerPortVariable, worker.GetEndpoint(EndpointName).Property(EndpointProperty.TargetPort));
    }

    /// <summary>
    /// Has the gateway call the workers on their HTTP/2 endpoint. Only when running here, where the
    /// discovery file lists every replica: a published deployment puts one address (a Kubernetes Service)
    /// in front of the workers, which balances connections, and there the gateway keeps HTTP/1.1.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithWorkersOverHttp2(this IResourceBuilder<ProjectResource> gateway) =>
        gateway.ApplicationBuilder.ExecutionContext.IsRunMode ? gateway.WithEnvironment("Gateway__Routing__WorkerHttp2", "true") : gateway;
}
