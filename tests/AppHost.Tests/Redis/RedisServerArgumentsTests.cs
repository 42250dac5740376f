using System.Diagnostics;
using System.Runtime.InteropServices;
using Maestro.AppHost.Redis;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Redis;

/// <summary>The arguments the AppHost starts redis-server with, tried on a real one.</summary>
public sealed class RedisServerArgumentsTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("redis-data");

    [Fact]
    public async Task Restart_SameDataDirectory_KeepsWhatWasWritten()
    {
        var port = FreePorts.Next();
        using (var first = await StartAsync(port))
        {
            Assert.Equal("+OK", await RedisServer.CommandAsync(port, "SET", "maestro:test", "kept"));
            await StopAsync(first);
        }

        using var second = await StartAsync(port);
        try
        {
            Assert.Equal("$4\r\nkept", await RedisServer.CommandAsync(port, "GET", "maestro:test"));
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public void Arguments_BindLoopbackOnly()
    {
        var arguments = RedisResourceBuilderExtensions.RedisServerArguments(_directory);

        Assert.Equal("127.0.0.1", arguments[arguments.ToList().IndexOf("--bind") + 1]);
    }

    private async Task<Process> StartAsync(int port)
    {
        var path = RedisHostingChoice.FindOnPath("redis-server");
        Assert.True(path is not null, "redis-server is not installed; the README's test command installs it.");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true };
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString());
        foreach (var argument in RedisResourceBuilderExtensions.RedisServerArguments(_directory))
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

    /// <summary>Stops it as DCP does: SIGTERM, after which Redis flushes its append-only file.</summary>
    private static async Task StopAsync(Process process)
    {
        _ = Kill(process.Id, 15);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
