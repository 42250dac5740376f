using System.Diagnostics;
using System.Net;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>
/// A second gateway process beside the AppHost's own: the built gateway under <c>dotnet</c>, given the
/// configuration the AppHost gives its gateway (the same registry, workers, Redis and development
/// key; a data directory of its own) on a free port. It stops with the test process
/// (<c>MAESTRO_PARENT_PID</c>) should disposal never run.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CapturedOutput _output = new();
    private readonly string _dataDirectory;

    private GatewayProcess(Process process, int port, string dataDirectory, string apiKey)
    {
        (_process, _dataDirectory) = (process, dataDirectory);
        Anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Http = new HttpClient { BaseAddress = Anonymous.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-API-Key", apiKey);
    }

    /// <summary>Talks to this gateway with the development admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>Talks to this gateway without credentials.</summary>
    public HttpClient Anonymous { get; }

    public string Output => _output.Text;

    /// <summary>
    /// Starts a gateway on <paramref name="platform"/>'s services, with <paramref name="environment"/>
    /// added (what the AppHost was given for its own), and waits until its <c>/health</c> answers 200.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(AppHostProcess platform, IReadOnlyDictionary<string, string> environment)
    {
        var assembly = AppHostProcess.BuiltAssembly("Gateway");
        var port = FreePorts.Next();
        var dataDirectory = TestPaths.NewTempDirectory("gateway");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);

        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["OTEL_SERVICE_NAME"] = "gateway";
        env["MAESTRO_PARENT_PID"] = Environment.ProcessId.ToString();
        env["Gateway__Auth__DevApiKey"] = platform.ApiKey;
        env["Gateway__DataDirectory"] = dataDirectory;
        env["ConnectionStrings__redis"] = $"127.0.0.1:{platform.RedisPort()}";
        env["services__registry__http__0"] = platform.Replica("registry").Url;
        // The workers as the AppHost's own gateway finds them: the discovery file it keeps current.
        env["Maestro__DiscoveryFile"] = platform.DiscoveryFile;

        foreach (var (variable, value) in environment)
        {
            env[variable] = value;
        }

        var process = new Process { StartInfo = info };
        var gateway = new GatewayProcess(process, port, dataDirectory, platform.ApiKey);
        gateway._output.Start(process);
        await gateway.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        Http.Dispose();
        Anonymous.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var last = "no answer";
        while (true)
        {
            try
            {
                using var response = await Anonymous.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            Assert.False(_process.HasExited, $"The second gateway exited (code {(_process.HasExited ? _process.ExitCode : 0)}). Output:\n{Output}");
            Assert.True(watch.Elapsed < timeout, $"The second gateway was not healthy within {timeout.TotalSeconds:0} s (last: {last}). Output:\n{Output}");
            await Task.Delay(200);
        }
    }
}
