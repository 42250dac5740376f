using Maestro.AppHost.Hosting;
using Maestro.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.AppHost.Tests.Hosting;

public sealed class ReplicaRunnerTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("runner");

    [Fact]
    public async Task Run_ProcessExitsOnItsOwn_IsRestartedAfterBackoff()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var replica = new Replica(new ShellResource("echo started; exit 3"), 0, 0);
        var runner = new ReplicaRunner(replica, time);

        runner.Start();
        await Until(() => replica.Logs.Tail(10).Contains("started"));
        var firstPid = replica.ProcessId;
        await Task.Delay(200);
        Assert.Equal(0, replica.Restarts);

        // Backoff runs on the fake clock: nothing restarts until it moves.
        await Until(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            return replica.Restarts >= 1 && replica.ProcessId != firstPid;
        });
        await Until(() => replica.Logs.Tail(10).Count(line => line == "started") >= 2);

        await runner.StopAsync(DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(ReplicaState.Stopped, replica.State);
    }

    [Fact]
    public async Task Stop_ProcessHonoursSigterm_ExitsGracefully()
    {
        var marker = Path.Combine(_directory, "terminated");
        var replica = new Replica(new ShellResource($"trap 'echo bye > {marker}; exit 0' TERM; echo ready; while true; do sleep 0.05; done"), 0, 0);
        var runner = new ReplicaRunner(replica, TimeProvider.System);
        runner.Start();
        await Until(() => replica.Logs.Tail(5).Contains("ready"));
        var pid = replica.ProcessId!.Value;

        await runner.StopAsync(DateTimeOffset.UtcNow.AddSeconds(10));

        Assert.True(File.Exists(marker), "the process should have run its SIGTERM handler");
        Assert.False(IsAlive(pid));
        Assert.Equal(ReplicaState.Stopped, replica.State);
        Assert.Equal(0, replica.Restarts);
    }

    [Fact]
    public async Task Stop_ProcessIgnoresSigterm_IsKilledAtTheDeadline()
    {
        var replica = new Replica(new ShellResource("trap '' TERM; echo ready; while true; do sleep 0.05; done"), 0, 0);
        var runner = new ReplicaRunner(replica, TimeProvider.System);
        runner.Start();
        await Until(() => replica.Logs.Tail(5).Contains("ready"));
        var pid = replica.ProcessId!.Value;

        await runner.StopAsync(DateTimeOffset.UtcNow.AddSeconds(1));

        Assert.False(IsAlive(pid));
        Assert.Equal(ReplicaState.Stopped, replica.State);
    }

    private static bool IsAlive(int pid)
    {
        if (!File.Exists($"/proc/{pid}/stat"))
        {
            return false;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
    }

    /// <summary>Polls a condition with a bound on the number of tries (not a timed assertion).</summary>
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("The condition did not hold.");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
