namespace Maestro.Cli.Shell;

/// <summary>A failure the user can act on: its message is printed as it is, and the command exits with 1.</summary>
internal sealed class CliException(string message) : Exception(message);
