using System.Diagnostics;

namespace Maestro.AppHost.Redis;

/// <summary>
/// Chooses how Redis runs. Publishing always describes the container (<c>AddRedis</c>). Locally
/// <c>Maestro:Redis</c> (<c>container</c>, <c>executable</c>, <c>none</c>) decides when set; else an
/// installed <c>redis-server</c> is preferred (it starts in milliseconds and needs no image), then a
/// container engine that answers, then none.
/// </summary>
internal static class RedisHostingChoice
{
    public const string Setting = "Maestro:Redis";

    public static (RedisHosting Hosting, string Reason) Choose(bool publishing, string? setting, string? redisServer, Func<string?> containerRuntime)
    {
        if (publishing)
        {
            return (RedisHosting.Container, "publishing: Redis is the redis container");
        }

        switch (setting?.Trim().ToLowerInvariant())
        {
            case "container":
                return (RedisHosting.Container, $"{Setting} is 'container'");
            case "executable" when redisServer is not null:
                return (RedisHosting.Executable, $"{Setting} is 'executable': {redisServer}");
            case "executable":
                return (RedisHosting.None, $"{Setting} is 'executable' but redis-server is not installed (apt-get install redis-server)");
            case "none":
                return (RedisHosting.None, $"{Setting} is 'none'");
            case null or "" or "auto":
                break;
            default:
                throw new InvalidOperationException($"{Setting} is '{setting}'; use container, executable, none or auto.");
        }

        if (redisServer is not null)
        {
            return (RedisHosting.Executable, $"redis-server found at {redisServer}");
        }

        if (containerRuntime() is { } runtime)
        {
            return (RedisHosting.Container, $"redis-server is not installed; {runtime} answers, so Redis runs as a container");
        }

        return (RedisHosting.None,
            "redis-server is not installed and no container engine answers: running without Redis "
            + "(quotas are counted per gateway, API keys kept in a file). Install it with: apt-get install redis-server");
    }

    public static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);

    /// <summary>The first of docker and podman whose <c>info</c> succeeds within a few seconds, if any.</summary>
    public static string? AnsweringContainerRuntime()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            if (FindOnPath(runtime) is not { } path)
            {
                continue;
            }

            try
            {
                using var process = Process.Start(new ProcessStartInfo(path, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    continue;
                }

                process.StandardOutput.ReadToEndAsync();
                process.StandardError.ReadToEndAsync();
                if (process.WaitForExit(TimeSpan.FromSeconds(5)) && process.ExitCode == 0)
                {
                    return runtime;
                }

                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    }
}
