using System.Diagnostics;
using System.Text.Json;

namespace Maestro.EndToEnd.Tests;

/// <summary>
/// Waiting on a process the tests started: polls a condition (an HTTP call that fails or answers
/// nonsense counts as "not yet") and fails with the process's output as soon as it exits or the time is up.
/// </summary>
internal static class ProcessPolling
{
    public static async Task UntilAsync(
        Func<Task<bool>> condition, TimeSpan timeout, string what, Process process, string name, Func<string> output, TimeSpan interval)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
            }

            if (process.HasExited)
            {
                Assert.Fail($"{name} exited (code {process.ExitCode}) while waiting for {what}. Output:\n{output()}");
            }

            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. {name} output:\n{output()}");
            }

            await Task.Delay(interval);
        }
    }
}
