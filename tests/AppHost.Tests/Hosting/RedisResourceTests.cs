using System.Diagnostics;
using Maestro.AppHost.Hosting;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Hosting;

public sealed class RedisResourceTests
{
    [Fact]
    public void Arguments_WithoutDataDirectory_KeepNothing()
    {
        var arguments = new RedisResource("redis").Arguments(6390).ToArray();

        Assert.Equal("no", arguments[Array.IndexOf(arguments, "--appendonly") + 1]);
        Assert.DoesNotContain("--dir", arguments);
    }

    [Fact]
    public async Task Restart_WithDataDirectory_KeepsWhatWasWritten()
    {
        var directory = TestPaths.NewTempDirectory("redis-data");
        var redis = new RedisResource("redis").WithDataDirectory(Path.Combine(directory, "redis"));
        Assert.True(redis.IsAvailable, "redis-server is not installed; the README's test command installs it.");
        var port = FreePorts.Next();

        using (var first = await StartAsync(redis, port))
        {
            Assert.Equal("+OK", await RedisServer.CommandAsync(port, "SET", "maestro:test", "kept"));
            await StopAsync(first);
        }

        using var second = await StartAsync(redis, port);
        try
        {
            Assert.Equal("$4\r\nkept", await RedisServer.CommandAsync(port, "GET", "maestro:test"));
        }
        finally
        {
            await StopAsync(second);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<Process> StartAsync(RedisResource redis, int port)
    {
        var start = new ProcessStartInfo(redis.ServerPath!) { RedirectStandardOutput = true };
        foreach (var argument in redis.Arguments(port))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await RedisServer.TryCommandAsync(port, "PING") != "+PONG")
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "redis-server did not start");
            await Task.Delay(50);
        }

        return process;
    }

    /// <summary>Stops it as the AppHost does: SIGTERM, after which Redis flushes its append-only file.</summary>
    private static async Task StopAsync(Process process)
    {
        ProcessSignals.Terminate(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
