namespace Maestro.AppHost.Hosting;

public enum ReplicaState
{
    NotStarted,
    Starting,
    Running,
    Exited,
    Stopping,
    Stopped,
    Unavailable,
}

public enum ReplicaHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>One running copy of a resource: its port, process and what the dashboard shows of it.</summary>
public sealed class Replica(Resource resource, int index, int port)
{
    public Resource Resource { get; } = resource;

    public int Index { get; } = index;

    /// <summary><c>worker-0</c>, <c>worker-1</c> for replicated resources, else the resource's name.</summary>
    public string Name => Resource.ReplicaCount > 1 ? $"{Resource.Name}-{Index}" : Resource.Name;

    public int Port { get; } = port;

    /// <summary>The address other resources use to reach this replica.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    public ReplicaState State { get; set; }

    public ReplicaHealth Health { get; set; }

    public int? ProcessId { get; set; }

    public int Restarts { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public LogBuffer Logs { get; } = new();
}
