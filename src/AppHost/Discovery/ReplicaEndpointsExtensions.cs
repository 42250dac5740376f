using Microsoft.Extensions.DependencyInjection;
using Maestro.AppHost.Lifecycle;

namespace Maestro.AppHost.Discovery;

public static class ReplicaEndpointsExtensions
{
    /// <summary>Where a service finds the discovery file: ServiceDefaults loads it, reloading on change.</summary>
    public const string DiscoveryFileVariable = "Maestro__DiscoveryFile";

    /// <summary>
    /// Lets <paramref name="builder"/> reach every replica of <paramref name="replicated"/> on its own
    /// address (see <see cref="ReplicaEndpoints"/>) as service <c>{replicated name}</c>, so that
    /// <c>http://worker</c> resolves to one endpoint per replica. When publishing, this is the plain
    /// <c>WithReference</c>: an orchestrator such as Kubernetes hands out the addresses there. Several
    /// consumers of one replicated project share its file (the first <paramref name="discoveryFile"/> given).
    /// With <paramref name="http2"/> the file also lists each replica's HTTP/2 endpoint
    /// (<see cref="Http2EndpointExtensions.WithHttp2Endpoint"/>) as <c>h2c</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicaReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> replicated, string discoveryFile, bool http2 = false)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder.WithReference(replicated);
        }

        // One file per replicated project, whoever reads it (the gateway and the workers both follow the registry's).
        var endpoints = builder.ApplicationBuilder.Services
            .Select(service => service.ImplementationInstance).OfType<ReplicaEndpoints>()
            .FirstOrDefault(existing => existing.Project == replicated.Resource);
        if (endpoints is null)
        {
            endpoints = new ReplicaEndpoints(replicated.Resource, replicated.Resource.Name, discoveryFile,
                http2 ? Http2EndpointExtensions.WorkerPortVariable : null);
            builder.ApplicationBuilder.Services.AddSingleton(endpoints);
        }

        builder.ApplicationBuilder.AddResourceWatcher<ReplicaEndpointsWatcher>();

        return builder
            .WithReferenceRelationship(replicated.Resource)
            .WithEnvironment(async context =>
            {
                // Evaluated when the resource starts, once what it waits for is healthy: the file then
                // lists every replica from the first request on.
                var replicas = replicated.Resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
                await endpoints.WriteWhenServingAsync(replicas, TimeSpan.FromSeconds(10), context.CancellationToken);
                // A resource that follows several replicated projects reads each one's file (ServiceDefaults splits on ';').
                context.EnvironmentVariables[DiscoveryFileVariable] =
                    context.EnvironmentVariables.TryGetValue(DiscoveryFileVariable, out var earlier) && earlier is string files
                        ? $"{files};{endpoints.Path}"
                        : endpoints.Path;
            });
    }
}
