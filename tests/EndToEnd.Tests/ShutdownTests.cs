namespace Maestro.EndToEnd.Tests;

/// <summary>Stopping the AppHost stops everything it started.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Terminate_AppHost_StopsWithin10SecondsAndLeavesNoChildProcess()
    {
        await using var platform = await AppHostProcess.StartAsync(workers: 1, seed: false);
        var children = PlatformProcesses.Descendants(platform.ProcessId);
        Assert.Equal(["gateway", "registry", "worker"], platform.Services().Select(s => s.Service).ToArray());
        Assert.Contains(children, pid => PlatformProcesses.Describe(pid).Contains("redis-server"));
        Assert.Contains(children, pid => PlatformProcesses.Describe(pid).Contains("Aspire.Dashboard"));
        Assert.All(children, pid => Assert.True(PlatformProcesses.IsRunning(pid), $"child {pid} should be running before the stop"));
        // One worker in the app model, one destination for the gateway (the platform fixture's two give two).
        Assert.Equal([platform.Replica("worker").Url], PlatformTests.DiscoveredWorkers(platform));

        var sinceSignal = System.Diagnostics.Stopwatch.StartNew();
        var exited = await platform.TerminateAsync(TimeSpan.FromSeconds(10));

        Assert.True(exited, "The AppHost did not exit within 10 s of SIGTERM. Output:\n" + platform.Output);
        // DCP's own two processes follow the AppHost out; everything is to be gone 10 s after the signal.
        while (children.Any(PlatformProcesses.IsRunning) && sinceSignal.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        var left = children.Where(PlatformProcesses.IsRunning).Select(PlatformProcesses.Describe).ToArray();
        Assert.True(left.Length == 0, $"Processes left running: {string.Join("; ", left)}");
        Assert.Contains("Every resource is stopped.", platform.Output);
    }
}
