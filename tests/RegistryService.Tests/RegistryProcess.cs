using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests;

/// <summary>
/// The real registry as a process — its built assembly under <c>dotnet</c> on a free port and a given
/// data directory — for tests that must kill it the way an operating system would (SIGKILL).
/// </summary>
internal sealed class RegistryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private RegistryProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The registry on <paramref name="dataDirectory"/> and, when given, the PostgreSQL database <paramref name="connectionString"/> names.</summary>
    public static async Task<RegistryProcess> StartAsync(string dataDirectory, string? connectionString = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var assembly = Path.Combine(TestPaths.RepositoryRoot, "src", "RegistryService", "bin", BuildMetadata("Maestro.Configuration"),
            BuildMetadata("Maestro.TargetFramework"), "Maestro.RegistryService.dll");
        Assert.True(File.Exists(assembly), $"The registry is not built: {assembly}");
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(assembly);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["Registry__DataDirectory"] = dataDirectory;
        info.Environment["MAESTRO_PARENT_PID"] = Environment.ProcessId.ToString();
        if (connectionString is not null)
        {
            info.Environment["ConnectionStrings__registry"] = connectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var registry = new RegistryProcess(process, port);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await registry.WaitHealthyAsync();
        return registry;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no cleanup — what a crash or an OOM kill does.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private async Task WaitHealthyAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited)
            {
                Assert.Fail($"The registry exited with code {_process.ExitCode} while starting. Output:\n{Output}");
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.Fail($"The registry was not healthy within 90 s. Output:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_outputLock)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string BuildMetadata(string key) =>
        typeof(RegistryProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
