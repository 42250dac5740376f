using Maestro.Testing;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>
/// Rootful podman with the repository's settings for restricted hosts (deploy/podman/env.sh: runc,
/// cgroupfs, lowered ulimits, its own storage root, where the base images are cached). Connecting
/// fails with the reason when podman cannot run here: these tests never skip.
/// </summary>
internal sealed class Podman
{
    private static readonly string[] Settings = ["CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "MAESTRO_CONTAINERS_ROOT"];

    private Podman(IReadOnlyDictionary<string, string> environment) => Environment = environment;

    /// <summary>The variables every podman call (and deploy/build-images.sh) gets.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public string StorageRoot => Environment["MAESTRO_CONTAINERS_ROOT"];

    public static async Task<Podman> ConnectAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException("The container tests need Linux with rootful podman.");
        }

        if (System.Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                $"The container tests run rootful podman and debootstrap, which need root; this test runs as {System.Environment.UserName}.");
        }

        foreach (var tool in new[] { "podman", "runc", "debootstrap" })
        {
            if (!File.Exists($"/usr/bin/{tool}") && !File.Exists($"/usr/sbin/{tool}"))
            {
                throw new InvalidOperationException(
                    $"{tool} is not installed. ./test.sh installs it (apt-get install podman runc debootstrap docker-registry).");
            }
        }

        var script = Path.Combine(TestPaths.RepositoryRoot, "deploy", "podman", "env.sh");
        var printed = await CommandLine.RunAsync("bash",
            ["-c", $". '{script}' && " + string.Join(" && ", Settings.Select(name => $"printf '%s=%s\\n' {name} \"${name}\""))],
            TimeSpan.FromSeconds(30));
        if (!printed.Succeeded)
        {
            throw new InvalidOperationException("deploy/podman/env.sh failed: " + printed.Describe());
        }

        var environment = printed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        var podman = new Podman(environment);
        var info = await podman.RunAsync(TimeSpan.FromMinutes(1), "info", "--format", "{{.Host.OCIRuntime.Name}}");
        if (!info.Succeeded)
        {
            throw new InvalidOperationException("podman does not answer with deploy/podman's settings: " + info.Describe());
        }

        return podman;
    }

    public Task<CommandResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        CommandLine.RunAsync("podman", arguments, timeout, Environment);

    public Task<CommandResult> RunAsync(params string[] arguments) => RunAsync(TimeSpan.FromMinutes(2), arguments);

    /// <summary>Runs podman and returns its trimmed output; throws with its output when it fails.</summary>
    public async Task<string> MustAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        return result.Succeeded ? result.StandardOutput.Trim() : throw new InvalidOperationException(result.Describe());
    }

    /// <summary>Runs podman with <paramref name="input"/> on its standard input; throws when it fails.</summary>
    public async Task MustWithInputAsync(string input, params string[] arguments)
    {
        var result = await CommandLine.RunAsync("podman", arguments, TimeSpan.FromMinutes(2), Environment, standardInput: input);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    /// <summary>Removes what a test made (containers with their anonymous volumes, pods, networks…), ignoring what is already gone.</summary>
    public async Task RemoveQuietlyAsync(params string[] arguments) => await RunAsync(arguments);
}
