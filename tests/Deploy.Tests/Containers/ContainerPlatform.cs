using System.Security.Cryptography;
using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Containers;

/// <summary>
/// Builds the three service images with deploy/build-images.sh --local-base (served from podman's
/// cache after the first run) and starts them as a user would: Redis, registry, worker and gateway
/// on a podman network of their own, each with a read-only root filesystem, finding each other by
/// the discovery variables the Kubernetes manifests set; only the gateway is published, on a free
/// loopback port. Removed again (containers, their volumes, the network) when the tests are done.
/// </summary>
public sealed class ContainerPlatform : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    private readonly List<string> _containers = [];
    private GatewayClient? _gateway;
    private Podman? _podman;

    /// <summary>Unique per run: containers, networks and pods made by these tests start with it.</summary>
    public string RunId => "maestro-deploytest-" + ShortId;

    /// <summary>The random part of <see cref="RunId"/>, for names podman limits in length (secrets: 64 characters).</summary>
    public string ShortId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public string Network => RunId;

    public string ApiKey { get; } = "mk_deploytest_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public int GatewayPort { get; } = FreePorts.Next();

    internal Podman Podman => _podman ?? throw new InvalidOperationException("The platform is not started.");

    internal GatewayClient Gateway => _gateway ?? throw new InvalidOperationException("The platform is not started.");

    /// <summary>The discovery and connection settings every service gets, as in deploy/k8s/base.</summary>
    internal static IReadOnlyList<string> ServiceEnvironment { get; } =
    [
        "services__registry__http__0=http://registry:8080",
        "services__worker__http__0=http://worker:8080",
        "ConnectionStrings__redis=redis:6379,abortConnect=false",
    ];

    public string ContainerName(string service) => $"{RunId}-{service}";

    public async Task InitializeAsync()
    {
        _podman = await Podman.ConnectAsync();
        var build = await CommandLine.RunAsync(Path.Combine(DeployFiles.Deploy, "build-images.sh"), ["--local-base"], BuildTimeout, Podman.Environment);
        if (!build.Succeeded)
        {
            throw new InvalidOperationException("deploy/build-images.sh --local-base failed: " + build.Describe());
        }

        await Podman.MustAsync("network", "create", Network);
        await StartAsync("redis", "localhost/maestro/redis:bookworm", []);
        await StartAsync("registry", DeployFiles.Image("registry"), []);
        await StartAsync("worker", DeployFiles.Image("worker"), []);
        await StartAsync("gateway", DeployFiles.Image("gateway"),
        [
            "-p", $"127.0.0.1:{GatewayPort}:8080",
            "-e", "Gateway__Auth__SigningKey=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            "-e", "Gateway__Auth__DevApiKey=" + ApiKey,
        ]);
        _gateway = new GatewayClient(GatewayPort, ApiKey);
        await GatewayClient.WaitUntilReadyAsync(GatewayPort, TimeSpan.FromSeconds(90), LogsAsync);
    }

    /// <summary>Runs a command in a service's container (as the image's user).</summary>
    internal Task<CommandResult> ExecAsync(string service, params string[] command) =>
        Podman.RunAsync(["exec", ContainerName(service), .. command]);

    /// <summary>Every container's last log lines, for a failure message.</summary>
    internal async Task<string> LogsAsync()
    {
        var logs = new List<string>();
        foreach (var container in _containers)
        {
            var result = await Podman.RunAsync("logs", "--tail", "40", container);
            logs.Add($"--- {container} ---\n{result.StandardOutput}{result.StandardError}");
        }

        return string.Join('\n', logs);
    }

    public async Task DisposeAsync()
    {
        _gateway?.Dispose();
        if (_podman is null)
        {
            return;
        }

        foreach (var container in _containers.AsEnumerable().Reverse())
        {
            await Podman.RemoveQuietlyAsync("rm", "-f", "-v", "-t", "5", container);
        }

        await Podman.RemoveQuietlyAsync("network", "rm", "-f", Network);
    }

    private async Task StartAsync(string service, string image, IReadOnlyList<string> extra)
    {
        var name = ContainerName(service);
        _containers.Add(name);
        string[] arguments =
        [
            "run", "-d", "--name", name, "--network", Network, "--network-alias", service, "--read-only",
            "--label", "maestro.deploytest=" + RunId,
            .. ServiceEnvironment.SelectMany(variable => new[] { "-e", variable }),
            .. extra,
            image,
        ];
        await Podman.MustAsync(arguments);
    }
}
