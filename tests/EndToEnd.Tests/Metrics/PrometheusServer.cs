using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests.Metrics;

/// <summary>
/// Debian's real <c>prometheus</c> (package prometheus, which ./test.sh installs) on a free loopback
/// port with a configuration file and a data directory of its own, both deleted when it is disposed;
/// read through its HTTP API (<c>/api/v1/targets</c>, <c>/api/v1/query</c>).
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CapturedOutput _output = new();
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Api { get; }

    public string Output => _output.Text;

    /// <summary>Starts prometheus with <paramref name="configuration"/> (prometheus.yml's text) and waits until it answers.</summary>
    public static async Task<PrometheusServer> StartAsync(string configuration)
    {
        Assert.True(File.Exists("/usr/bin/prometheus"), "prometheus is not installed; the README's test command installs it (apt-get install prometheus).");
        var directory = TestPaths.NewTempDirectory("prometheus");
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, configuration);
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("/usr/bin/prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var server = new PrometheusServer(process, directory, port);
        server._output.Start(process);
        await server.WaitUntilAsync(async () => (await server.Api.GetAsync("/-/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "prometheus to be ready");
        return server;
    }

    /// <summary>Each scrape target's job and health (<c>up</c>, <c>down</c>, <c>unknown</c>) with its last error.</summary>
    public async Task<IReadOnlyList<(string Job, string Health, string Error)>> TargetsAsync()
    {
        var body = await Api.GetFromJsonAsync<JsonElement>("/api/v1/targets");
        return [.. body.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(target => (
            target.GetProperty("labels").GetProperty("job").GetString()!,
            target.GetProperty("health").GetString()!,
            target.GetProperty("lastError").GetString() ?? ""))];
    }

    /// <summary>The series an instant PromQL query returns, each as its labels (with <c>__name__</c>) and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, string Value)>> QueryAsync(string promql)
    {
        var body = await Api.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString()!),
            series.GetProperty("value")[1].GetString()!))];
    }

    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ProcessPolling.UntilAsync(condition, timeout, what, _process, "prometheus", () => Output, TimeSpan.FromMilliseconds(250));

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
