using System.Runtime.InteropServices;

namespace Maestro.AppHost.Hosting;

/// <summary>Asks a child to stop gracefully (SIGTERM on Unix), as an orchestrator would.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    public static void Terminate(System.Diagnostics.Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        _ = kill(process.Id, SigTerm);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
