using System.Diagnostics;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// Something the AppHost runs: a name, how many replicas, what it references (whose addresses it is
/// given) and what it waits for (which must be healthy before it starts).
/// </summary>
public abstract class Resource(string name)
{
    private readonly List<Func<int, (string Name, string? Value)>> _environment = [];

    public string Name { get; } = name;

    public int ReplicaCount { get; private set; } = 1;

    /// <summary>A fixed port (replica 0) instead of a free one, e.g. the gateway's public port.</summary>
    public int? FixedPort { get; private set; }

    /// <summary>The host name shown to people for a fixed port.</summary>
    public string PublicHost { get; private set; } = "127.0.0.1";

    public List<Resource> References { get; } = [];

    public List<Resource> Dependencies { get; } = [];

    public List<Replica> Replicas { get; } = [];

    /// <summary><c>false</c> when what the resource needs is not installed; it is then skipped.</summary>
    public virtual bool IsAvailable => true;

    public abstract ProcessStartInfo CreateStartInfo(Replica replica);

    public abstract Task<bool> ProbeAsync(Replica replica, CancellationToken cancellationToken);

    /// <summary>The environment variables through which a referencing resource finds this one.</summary>
    public abstract IEnumerable<(string Name, string Value)> ConnectionVariables();

    public IEnumerable<(string Name, string? Value)> EnvironmentFor(int replica) => _environment.Select(add => add(replica));

    internal void SetReplicas(int count) => ReplicaCount = count;

    internal void SetFixedPort(int port, string publicHost) => (FixedPort, PublicHost) = (port, publicHost);

    internal void AddEnvironment(Func<int, (string, string?)> variable) => _environment.Add(variable);
}

/// <summary>Fluent configuration of resources, in the style of Aspire's app model.</summary>
public static class ResourceExtensions
{
    public static T WithReplicas<T>(this T resource, int count) where T : Resource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        resource.SetReplicas(count);
        return resource;
    }

    public static T WithHttpPort<T>(this T resource, int port, string publicHost = "127.0.0.1") where T : Resource
    {
        resource.SetFixedPort(port, publicHost);
        return resource;
    }

    public static T WithEnvironment<T>(this T resource, Func<int, (string, string?)> variable) where T : Resource
    {
        resource.AddEnvironment(variable);
        return resource;
    }

    /// <summary>Gives <paramref name="resource"/> the addresses of every replica of <paramref name="target"/>.</summary>
    public static T WithReference<T>(this T resource, Resource target) where T : Resource
    {
        resource.References.Add(target);
        return resource;
    }

    /// <summary>Starts <paramref name="resource"/> only once every replica of <paramref name="target"/> is healthy.</summary>
    public static T WaitFor<T>(this T resource, Resource target) where T : Resource
    {
        resource.Dependencies.Add(target);
        return resource;
    }
}
