namespace Maestro.AppHost.Redis;

/// <summary>
/// Redis as a local <c>redis-server</c> process: what <c>AddRedis</c> gives where no container engine
/// runs. Its connection string is <c>host:port</c> of its one endpoint, exactly as <c>AddRedis</c>
/// hands it to services (<c>ConnectionStrings__redis</c>).
/// </summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => field ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
