namespace Maestro.AppHost.Hosting;

/// <summary>Declares the resources of a Maestro deployment; <see cref="Build"/> assigns their ports.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly HttpClient _probeClient = new() { Timeout = TimeSpan.FromSeconds(2) };

    internal DistributedApplicationBuilder(AppHostOptions options)
    {
        Options = options;
        Directory.CreateDirectory(options.DataDirectory);
        (DevApiKey, DevApiKeyOrigin, DevApiKeyIsNew) = Hosting.DevApiKey.Resolve(
            options.DataDirectory, Environment.GetEnvironmentVariable(Hosting.DevApiKey.EnvironmentVariable));
    }

    public AppHostOptions Options { get; }

    public string DevApiKey { get; }

    public string DevApiKeyOrigin { get; }

    public bool DevApiKeyIsNew { get; }

    public string DataPath(string child) => Path.Combine(Options.DataDirectory, child);

    public RedisResource AddRedis(string name) => Add(new RedisResource(name));

    public ProjectResource AddProject(string name, ServiceProject project) => Add(new ProjectResource(name, project, _probeClient));

    public DistributedApplication Build()
    {
        foreach (var resource in _resources.Where(r => r.IsAvailable))
        {
            for (var i = 0; i < resource.ReplicaCount; i++)
            {
                var port = i == 0 && resource.FixedPort is { } fixedPort ? fixedPort : PortAllocator.FreePort();
                resource.Replicas.Add(new Replica(resource, i, port));
            }
        }

        return new DistributedApplication(this, _resources);
    }

    private T Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        }

        _resources.Add(resource);
        return resource;
    }
}
