using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.ServiceDefaults;

/// <summary>
/// Stops the service when the process that started it is gone. The AppHost sets
/// <c>MAESTRO_PARENT_PID</c>; should the AppHost die without stopping its children (SIGKILL, a crash),
/// every child notices within <see cref="Interval"/> and exits, so nothing is left orphaned.
/// </summary>
internal sealed partial class ParentProcessWatcher(
    int parentPid,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    public const string ParentPidVariable = "MAESTRO_PARENT_PID";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!IsAlive(parentPid))
            {
                LogParentGone(logger, parentPid);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await Task.Delay(Interval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // A parent that died but was not reaped yet is a zombie ('Z'): gone for our purposes.
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..] is [not ('Z' or 'X'), ..];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parent process {ParentPid} is gone; stopping.")]
    private static partial void LogParentGone(ILogger logger, int parentPid);
}
