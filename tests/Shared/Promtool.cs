namespace Maestro.Testing;

/// <summary>Debian's <c>promtool check metrics</c> (package prometheus, which ./test.sh installs) on a <c>/metrics</c> text.</summary>
internal static class Promtool
{
    /// <summary>
    /// What promtool reports about the families whose names start with <paramref name="prefix"/>
    /// (each of its lines names the family first), in its own words; empty when it has nothing to say.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string exposition, string prefix = "maestro_")
    {
        var run = await CommandLine.RunAsync("promtool", ["check", "metrics"], TimeSpan.FromMinutes(1), standardInput: exposition);
        var lines = (run.StandardOutput + "\n" + run.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // promtool exits 3 for lint problems (ours or the runtime's dotnet_* ones); anything else is a failure to run.
        Assert.True(run.ExitCode is 0 or 3, "promtool check metrics did not run (apt-get install prometheus): " + run.Describe());
        Assert.DoesNotContain(lines, line => line.StartsWith("error while linting", StringComparison.Ordinal));
        return [.. lines.Where(line => line.StartsWith(prefix, StringComparison.Ordinal))];
    }
}
