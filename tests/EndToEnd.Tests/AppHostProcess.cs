using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>
/// The real AppHost, started the way a user starts it (its built assembly under <c>dotnet</c>) on free
/// ports with its own data directory and development key. It starts the real redis-server, registry,
/// workers and gateway; tests talk to them over HTTP.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CapturedOutput _output = new();
    private bool _keepData;

    private AppHostProcess(Process process, int gatewayPort, int dashboardPort, string dataDirectory, string apiKey)
    {
        _process = process;
        GatewayPort = gatewayPort;
        DashboardPort = dashboardPort;
        DataDirectory = dataDirectory;
        ApiKey = apiKey;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        Anonymous = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int GatewayPort { get; }

    public int DashboardPort { get; }

    public string DataDirectory { get; }

    public string ApiKey { get; }

    /// <summary>Talks to the gateway with the development admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>Talks to the gateway without credentials.</summary>
    public HttpClient Anonymous { get; }

    public HttpClient Dashboard { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => _output.Text;

    /// <summary>Starts the AppHost; <paramref name="environment"/> is added to its own, which every service it starts inherits.</summary>
    /// <param name="dataDirectory">A data directory to reuse (kept at disposal); else a new one, deleted at disposal.</param>
    /// <param name="arguments">More of the AppHost's options, e.g. <c>--postgres --registry-replicas 2</c>.</param>
    public static async Task<AppHostProcess> StartAsync(
        int workers, bool seed, IReadOnlyDictionary<string, string>? environment = null, string? dataDirectory = null, IReadOnlyList<string>? arguments = null)
    {
        var assembly = BuiltAssembly("AppHost");
        Assert.True(File.Exists("/usr/bin/redis-server") || File.Exists("/usr/local/bin/redis-server"),
            "redis-server is not installed; the README's test command installs it (apt-get install redis-server).");

        var keepData = dataDirectory is not null;
        dataDirectory ??= TestPaths.NewTempDirectory("e2e");
        var apiKey = "e2e-" + Guid.NewGuid().ToString("N");
        var (gatewayPort, dashboardPort) = (FreePorts.Next(), FreePorts.Next());
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[] { assembly, "--port", gatewayPort.ToString(), "--dashboard-port", dashboardPort.ToString(), "--data-dir", dataDirectory, "--workers", workers.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        if (!seed)
        {
            info.ArgumentList.Add("--no-seed");
        }

        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MAESTRO_DEV_API_KEY"] = apiKey;
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }
        var process = new Process { StartInfo = info };
        var host = new AppHostProcess(process, gatewayPort, dashboardPort, dataDirectory, apiKey) { _keepData = keepData };
        host._output.Start(process);

        await host.WaitUntilAsync(() => Task.FromResult(host.Output.Contains("Maestro is ready")), TimeSpan.FromSeconds(120), "the AppHost to report ready");
        return host;
    }

    /// <summary>Every service process the AppHost runs now (registry, each worker replica, gateway).</summary>
    public IReadOnlyList<ServiceProcess> Services() => PlatformProcesses.Services(ProcessId);

    /// <summary>Replica <paramref name="index"/> of <paramref name="service"/>, replicas in a fixed order (by their Aspire identity).</summary>
    public ServiceProcess Replica(string service, int index = 0)
    {
        var replicas = Services().Where(s => s.Service == service).ToArray();
        Assert.True(replicas.Length > index, $"No replica {index} of {service} runs; running: {string.Join(", ", Services())}");
        return replicas[index];
    }

    /// <summary>The port of the redis-server the AppHost started, as its services were told (<c>ConnectionStrings__redis</c>).</summary>
    public int RedisPort()
    {
        var connection = PlatformProcesses.EnvironmentVariable(Replica("registry").Pid, "ConnectionStrings__redis");
        Assert.False(string.IsNullOrEmpty(connection), "The registry was given no ConnectionStrings__redis.");
        return int.Parse(connection.Split(',')[0].Split(':')[^1]);
    }

    /// <summary>Where the AppHost lists every worker replica's own address for the gateway.</summary>
    public string DiscoveryFile => Path.Combine(DataDirectory, "gateway", "discovery.json");

    /// <summary>
    /// Waits until the gateway counts <paramref name="workers"/> worker replicas available (its <c>/health</c>).
    /// "Ready" needs only one: on a busy machine the second can still be starting, and a test that kills a
    /// worker to show the other taking over needs the other to be there first.
    /// </summary>
    public Task WaitForAvailableWorkersAsync(int workers = 2) => WaitUntilAsync(async () =>
    {
        using var response = await Anonymous.GetAsync("/health");
        using var health = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return health.RootElement.GetProperty("checks").EnumerateArray()
            .Any(c => c.GetProperty("name").GetString() == "worker" && c.GetProperty("data").GetProperty("available").GetInt32() == workers);
    }, TimeSpan.FromSeconds(60), $"the gateway to count {workers} worker replicas available");

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the AppHost's output after <paramref name="timeout"/>.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ProcessPolling.UntilAsync(condition, timeout, what, _process, "The AppHost", () => Output, TimeSpan.FromMilliseconds(200));

    /// <summary>Sends SIGTERM, as Ctrl+C or an orchestrator would, and waits for the AppHost to exit.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        _ = kill(_process.Id, 15);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var children = _process.HasExited ? [] : PlatformProcesses.Descendants(ProcessId);
        if (!await TerminateAsync(TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
        }

        // DCP stops what it ran once the AppHost is gone; whatever a failed test left behind goes too.
        for (var waited = 0; waited < 100 && children.Any(PlatformProcesses.IsRunning); waited++)
        {
            await Task.Delay(100);
        }

        foreach (var pid in children.Where(PlatformProcesses.IsRunning))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
            }
        }

        Http.Dispose();
        Anonymous.Dispose();
        Dashboard.Dispose();
        if (_keepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The built assembly of the project <c>src/{project}</c>, from the configuration these tests were
    /// built in (the AppHost project reference builds every service first).
    /// </summary>
    public static string BuiltAssembly(string project)
    {
        var assembly = Path.Combine(TestPaths.RepositoryRoot, "src", project, "bin", BuildMetadata("Maestro.Configuration"),
            BuildMetadata("Maestro.TargetFramework"), $"Maestro.{project}.dll");
        Assert.True(File.Exists(assembly), $"{project} is not built: {assembly}");
        return assembly;
    }

    private static string BuildMetadata(string key) =>
        typeof(AppHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

