using System.Diagnostics;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.Cli.Tests;

/// <summary>
/// The built <c>maestro</c> command run as a user runs it, as its own process, with a config directory of
/// its own (<c>XDG_CONFIG_HOME</c>) and no <c>MAESTRO_*</c> variables from the test's environment.
/// </summary>
internal sealed class CliRun : IDisposable
{
    public string ConfigHome { get; } = TestPaths.NewTempDirectory("cli-config");

    public string ConfigFile => Path.Combine(ConfigHome, "maestro", "config.json");

    public async Task<CliResult> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BuildOutput.Assembly("Cli"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        info.Environment.Remove("MAESTRO_URL");
        info.Environment.Remove("MAESTRO_API_KEY");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a command that must succeed and parses its <c>--output json</c>.</summary>
    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--output", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    public async Task LoginAsync(MaestroPlatform platform)
    {
        var result = await RunAsync("login", "--url", platform.Url, "--key", platform.ApiKey);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public void Dispose() => Directory.Delete(ConfigHome, recursive: true);
}
