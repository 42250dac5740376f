using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Maestro.AppHost.Lifecycle;

/// <summary>
/// On shutdown, asks every Maestro service process to stop (SIGTERM) before Aspire tears everything
/// down at once, and gives them <see cref="Grace"/> to exit. Left to DCP, the dashboard goes in the
/// same instant as the services, whose last telemetry export then waits out its timeout against a
/// dashboard that is gone, and DCP's own stop of each process takes seconds more; stopped first, a
/// service flushes to a dashboard still listening and exits in a fraction of a second.
/// </summary>
/// <remarks>
/// It follows the process id Aspire reports for each replica (the <c>dotnet run</c> that forwards the
/// signal to the service). Registered after Aspire's own hosted services, so the host stops it before
/// them; whatever has not exited by then, DCP stops as usual.
/// </remarks>
internal sealed partial class ServicesFirstShutdown(ResourceNotificationService notifications, DistributedApplicationExecutionContext executionContext)
    : IHostedService, IResourceWatcher
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);

    public async Task WatchAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            if (change.Resource is not ProjectResource)
            {
                continue;
            }

            var pid = change.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
            if (change.Snapshot.State?.Text == KnownResourceStates.Running && pid is not null
                && int.TryParse(Convert.ToString(pid, CultureInfo.InvariantCulture), out var id) && id > 0)
            {
                _running[change.ResourceId] = id;
            }
            else
            {
                _running.TryRemove(change.ResourceId, out _);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!executionContext.IsRunMode)
        {
            return;
        }

        var processes = new List<Process>();
        foreach (var pid in _running.Values)
        {
            try
            {
                var process = Process.GetProcessById(pid);
                if (Terminate(pid, Sigterm) == 0)
                {
                    processes.Add(process);
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(Grace);
        try
        {
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(grace.Token)));
        }
        catch (OperationCanceledException)
        {
            // DCP stops what is left.
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Terminate(int pid, int signal);
}
