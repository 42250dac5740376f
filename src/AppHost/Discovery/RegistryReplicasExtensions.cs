namespace Maestro.AppHost.Discovery;

public static class RegistryReplicasExtensions
{
    /// <summary>
    /// The registry's endpoint: one registry listens on its own port, unproxied; several (PostgreSQL
    /// only) are replicas behind Aspire's proxy, which consumers bypass through <see cref="WithRegistry"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRegistryReplicas(this IResourceBuilder<ProjectResource> registry, int replicas) =>
        replicas > 1
            ? registry.WithReplicas(replicas).WithHttpEndpoint(name: "http")
            : registry.WithHttpEndpoint(name: "http", isProxied: false);

    /// <summary>
    /// Lets <paramref name="builder"/> reach the registry as <c>http://registry</c>: its one address, or
    /// with replicas each replica's own (<see cref="ReplicaEndpointsExtensions.WithReplicaReference"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRegistry(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> registry, int replicas, string discoveryFile) =>
        replicas > 1 ? builder.WithReplicaReference(registry, discoveryFile) : builder.WithReference(registry);
}
