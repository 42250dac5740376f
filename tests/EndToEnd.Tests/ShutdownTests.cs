namespace Maestro.EndToEnd.Tests;

/// <summary>Stopping the AppHost stops everything it started.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Terminate_AppHost_StopsWithin10SecondsAndLeavesNoChildProcess()
    {
        await using var platform = await AppHostProcess.StartAsync(workers: 1, seed: false);
        var children = (await platform.ResourcesAsync()).Select(r => r.Pid).OfType<int>().ToArray();
        Assert.Equal(4, children.Length); // redis, registry, one worker, gateway
        Assert.All(children, pid => Assert.True(IsRunning(pid), $"child {pid} should be running before the stop"));

        var exited = await platform.TerminateAsync(TimeSpan.FromSeconds(10));

        Assert.True(exited, "The AppHost did not exit within 10 s of SIGTERM. Output:\n" + platform.Output);
        var left = children.Where(IsRunning).ToArray();
        Assert.True(left.Length == 0, $"Child processes left running: {string.Join(", ", left)}");
        Assert.Contains("Every resource is stopped.", platform.Output);
    }

    /// <summary>A process that exists and is not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
