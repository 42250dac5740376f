using System.Diagnostics;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// Keeps one replica running: starts its process, copies its output to the console and the
/// dashboard, probes its health, restarts it with exponential backoff when it exits on its own, and
/// on <see cref="StopAsync"/> asks it to stop (SIGTERM) and kills it if it has not exited by the
/// deadline.
/// </summary>
public sealed class ReplicaRunner(Replica replica, TimeProvider time)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(300);

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task? _run;

    public Replica Replica { get; } = replica;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Stops the replica; it is killed if it has not exited by <paramref name="deadline"/>.</summary>
    public async Task StopAsync(DateTimeOffset deadline)
    {
        Replica.State = ReplicaState.Stopping;
        await _stopping.CancelAsync();
        var process = _process;
        if (process is not null && !HasExited(process))
        {
            ProcessSignals.Terminate(process);
            var wait = deadline - time.GetUtcNow();
            using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                ConsoleLog.Info($"{Replica.Name} did not stop in time; killing process {process.Id}.");
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        if (_run is not null)
        {
            await _run;
        }

        Replica.State = ReplicaState.Stopped;
        Replica.Health = ReplicaHealth.Unknown;
    }

    private async Task RunAsync()
    {
        var failures = 0;
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            int? exitCode;
            try
            {
                exitCode = await RunOnceAsync(token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                ConsoleLog.Info($"{Replica.Name} could not start: {ex.Message}");
                exitCode = null;
            }

            try
            {
                // A Ctrl+C in a terminal reaches the children too; give the AppHost's own handler a moment
                // so a shutdown is not mistaken for a crash.
                await Task.Delay(ShutdownGrace, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            failures = time.GetUtcNow() - started > StableUptime ? 1 : failures + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, failures - 1)));
            Replica.State = ReplicaState.Exited;
            Replica.Health = ReplicaHealth.Unhealthy;
            ConsoleLog.Info($"{Replica.Name} exited (code {exitCode?.ToString() ?? "none"}); restarting in {backoff.TotalSeconds:0} s.");
            try
            {
                await Task.Delay(backoff, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Replica.Restarts++;
        }
    }

    /// <summary>Runs the process until it exits; returns its exit code.</summary>
    private async Task<int?> RunOnceAsync(CancellationToken stopping)
    {
        Replica.State = ReplicaState.Starting;
        Replica.Health = ReplicaHealth.Unknown;
        var process = new Process { StartInfo = Replica.Resource.CreateStartInfo(Replica), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Replica.ProcessId = process.Id;
        Replica.StartedAt = time.GetUtcNow();
        Replica.State = ReplicaState.Running;

        using var exited = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var probing = ProbeAsync(exited.Token);
        try
        {
            await process.WaitForExitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            // StopAsync owns the process from here.
            return null;
        }
        finally
        {
            await exited.CancelAsync();
            await probing;
        }

        return process.ExitCode;
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            var healthy = await Replica.Resource.ProbeAsync(Replica, attempt.Token);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var previous = Replica.Health;
            Replica.Health = healthy ? ReplicaHealth.Healthy : (previous == ReplicaHealth.Unknown ? ReplicaHealth.Unknown : ReplicaHealth.Unhealthy);
            if (previous == ReplicaHealth.Healthy && !healthy)
            {
                ConsoleLog.Info($"{Replica.Name} is unhealthy.");
            }

            try
            {
                await Task.Delay(Replica.Health == ReplicaHealth.Healthy ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(250), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Forward(string? line)
    {
        if (line is null)
        {
            return;
        }

        Replica.Logs.Add(line);
        ConsoleLog.Write(Replica.Name, line);
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
