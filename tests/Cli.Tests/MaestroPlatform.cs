using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Maestro.Testing;

namespace Maestro.Cli.Tests;

/// <summary>
/// The real platform, started the way a user starts it: the built AppHost under <c>dotnet</c> with
/// <c>--port --dashboard-port --data-dir --workers</c> and <c>MAESTRO_DEV_API_KEY</c>, on free ports with a
/// fresh data directory, ready once it prints <c>Maestro is ready</c>; stopped with SIGTERM. One for
/// every test of the collection <see cref="PlatformCollection"/>.
/// </summary>
public sealed class MaestroPlatform : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(240);

    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private Process? _process;

    public string Url { get; private set; } = "";

    public string ApiKey { get; } = "cli-" + Guid.NewGuid().ToString("N");

    public string DataDirectory { get; } = TestPaths.NewTempDirectory("cli");

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists("/usr/bin/redis-server") || File.Exists("/usr/local/bin/redis-server"),
            "redis-server is not installed; ./test.sh installs it (apt-get install redis-server).");
        var (port, dashboard) = (FreePorts.Next(), FreePorts.Next());
        Url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        foreach (var argument in new[] { BuildOutput.Assembly("AppHost"), "--port", $"{port}", "--dashboard-port", $"{dashboard}", "--data-dir", DataDirectory, "--workers", "1" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MAESTRO_DEV_API_KEY"] = ApiKey;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (!Output.Contains("Maestro is ready", StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The AppHost exited ({_process.ExitCode}) before it was ready:\n{Output}");
            }

            Assert.True(watch.Elapsed < ReadyTimeout, $"The AppHost was not ready after {ReadyTimeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _ = kill(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_lock)
            {
                _output.AppendLine(line);
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
