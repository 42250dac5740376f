using System.Text;

namespace Maestro.EndToEnd.Tests;

/// <summary>A Maestro service process an AppHost started: which service, which replica, where it listens.</summary>
/// <param name="Instance">The replica's identity (Aspire's <c>service.instance.id</c>); a restarted replica keeps it.</param>
/// <param name="Url">Its HTTP/1.1 address.</param>
/// <param name="Http2Url">A worker's HTTP/2 (cleartext) address, where the gateway calls it; <c>null</c> for the others.</param>
public sealed record ServiceProcess(string Service, string Instance, int Pid, string Url, string? Http2Url = null)
{
    public int Port => new Uri(Url).Port;
}

/// <summary>
/// Finds what an AppHost runs by reading <c>/proc</c>, as an operator would with <c>ps</c>: Aspire
/// exposes its resources to the dashboard over gRPC only. Every service process carries the AppHost's
/// process id in <c>MAESTRO_PARENT_PID</c>, its service in <c>OTEL_SERVICE_NAME</c>, its replica in
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> and its address in <c>ASPNETCORE_URLS</c>; DCP's own processes descend
/// from the one started with <c>--monitor &lt;AppHost pid&gt;</c>.
/// </summary>
public static class PlatformProcesses
{
    /// <summary>The service processes themselves (not the <c>dotnet run</c> that DCP starts each through).</summary>
    public static IReadOnlyList<ServiceProcess> Services(int appHostPid)
    {
        var found = new List<ServiceProcess>();
        foreach (var pid in AllPids())
        {
            var command = CommandLine(pid);
            if (command.Length == 0 || !Path.GetFileName(command[0]).StartsWith("Maestro.", StringComparison.Ordinal))
            {
                continue;
            }

            var env = Environment(pid);
            if (env.GetValueOrDefault("MAESTRO_PARENT_PID") != appHostPid.ToString()
                || env.GetValueOrDefault("OTEL_SERVICE_NAME") is not { } service
                || env.GetValueOrDefault("ASPNETCORE_URLS") is not { } urls)
            {
                continue;
            }

            var instance = (env.GetValueOrDefault("OTEL_RESOURCE_ATTRIBUTES") ?? "")
                .Split(',').Select(a => a.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0] == "service.instance.id")
                .Select(kv => kv[1]).FirstOrDefault() ?? service;
            // A worker also listens on its HTTP/2 port for the gateway (Worker__Http2Port): Url is the HTTP/1.1 one.
            var http2Port = env.GetValueOrDefault("Worker__Http2Port");
            var addresses = urls.Split(';').Where(u => u.StartsWith("http://", StringComparison.Ordinal))
                .Select(u => u.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/')).ToArray();
            var http2 = http2Port is null ? null : addresses.FirstOrDefault(u => u.EndsWith($":{http2Port}", StringComparison.Ordinal));
            found.Add(new ServiceProcess(service, instance, pid, addresses.First(u => u != http2), http2));
        }

        return found.OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.Instance, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every process DCP runs for the AppHost (itself, the dashboard, redis-server, each service), and the services.</summary>
    public static IReadOnlyList<int> Descendants(int appHostPid)
    {
        var parents = AllPids().ToDictionary(pid => pid, ParentOf);
        var roots = parents.Keys.Where(pid =>
        {
            var command = CommandLine(pid);
            return command.Length > 1 && Path.GetFileName(command[0]) == "dcp"
                && command.SkipWhile(a => a != "--monitor").Skip(1).FirstOrDefault() == appHostPid.ToString();
        });

        var tree = new HashSet<int>(roots.Append(appHostPid));
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grew = true;
                }
            }
        }

        tree.Remove(appHostPid);
        return [.. tree.Union(Services(appHostPid).Select(s => s.Pid)).Order()];
    }

    /// <summary>A process that exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A variable of the environment <paramref name="pid"/> was started with.</summary>
    public static string? EnvironmentVariable(int pid, string name) => Environment(pid).GetValueOrDefault(name);

    public static string Describe(int pid) => $"{pid} ({string.Join(' ', CommandLine(pid)).Trim()})";

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(pid => pid > 0);

    private static int ParentOf(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static string[] CommandLine(int pid) => ReadNulSeparated($"/proc/{pid}/cmdline");

    private static Dictionary<string, string> Environment(int pid) =>
        ReadNulSeparated($"/proc/{pid}/environ").Select(v => v.Split('=', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);

    private static string[] ReadNulSeparated(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
