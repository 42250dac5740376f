namespace Maestro.Testing;

/// <summary>What a finished command left behind.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The command, its exit code and the ends of its output: enough to see why it failed.</summary>
    public string Describe() =>
        $"`{Command}` exited with {ExitCode}.\n--- stdout (end) ---\n{Tail(StandardOutput)}\n--- stderr (end) ---\n{Tail(StandardError)}";

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
