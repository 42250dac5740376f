namespace Maestro.Cli.Shell;

/// <summary>What the command line reads from its surroundings: environment variables, the user's config directory, the terminal.</summary>
internal sealed record CliEnvironment(
    Func<string, string?> Variable,
    TextWriter Out,
    TextWriter Error,
    bool ErrorIsTerminal)
{
    public const string UrlVariable = "MAESTRO_URL";
    public const string KeyVariable = "MAESTRO_API_KEY";

    public static CliEnvironment FromProcess() =>
        new(Environment.GetEnvironmentVariable, Console.Out, Console.Error, !Console.IsErrorRedirected);
}
