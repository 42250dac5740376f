namespace Maestro.Cli.Output;

/// <summary><c>--output</c>: the gateway's JSON as it came, or an aligned table for people.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
