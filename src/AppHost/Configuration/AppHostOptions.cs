namespace Maestro.AppHost.Configuration;

/// <summary>
/// The AppHost's command line — a contract scripts and the bench depend on:
/// <c>--port P --workers N --data-dir DIR --no-seed --dashboard-port D</c>, and
/// <c>--postgres [--registry-replicas N]</c> for the registry on PostgreSQL.
/// </summary>
public sealed record AppHostOptions
{
    public const string Usage = """
        Usage: dotnet run --project src/AppHost [-- options]
          --port N            gateway port (default 8000)
          --workers N         inference worker replicas (default 2)
          --data-dir PATH     where models, databases and the dev API key live (default ./maestro-data)
          --dashboard-port N  Aspire dashboard port (default 18888)
          --no-seed           do not register the demo model fraud-detector
          --postgres          keep the registry in PostgreSQL (the installed server, else a container)
                              instead of SQLite
          --registry-replicas N
                              registry replicas (default 1; more than 1 needs --postgres)
          --operation publish --publisher manifest --output-path FILE
                              write Aspire's deployment manifest instead of running
          --help              show this text
        Environment: MAESTRO_DEV_API_KEY sets the development admin key (else one is generated);
        ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=false turns the dashboard's login back on.
        """;

    public int Port { get; init; } = 8000;

    public int Workers { get; init; } = 2;

    public string DataDirectory { get; init; } = Path.GetFullPath("maestro-data");

    public int DashboardPort { get; init; } = 18888;

    public bool Seed { get; init; } = true;

    /// <summary>Whether the registry keeps its records in PostgreSQL (else SQLite under the data directory).</summary>
    public bool Postgres { get; init; }

    /// <summary>How many registry processes serve; more than one share one PostgreSQL database and the artifact directory.</summary>
    public int RegistryReplicas { get; init; } = 1;

    /// <summary>Aspire's own options (<c>--operation</c>, <c>--publisher</c>, <c>--output-path</c>), passed through as given.</summary>
    public IReadOnlyList<string> AspireArguments { get; init; } = [];

    public bool Publishing => AspireArguments.Count > 0;

    public string DataPath(string child) => Path.Combine(DataDirectory, child);

    /// <summary>
    /// Parses the command line. Returns <c>false</c> with an <paramref name="error"/> for a bad
    /// argument, or with a <c>null</c> error when only help was asked for.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, out AppHostOptions options, out string? error)
    {
        options = new AppHostOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Next() => i + 1 < args.Count ? args[++i] : null;
            switch (arg)
            {
                case "--help" or "-h":
                    return false;
                case "--no-seed":
                    options = options with { Seed = false };
                    break;
                case "--port":
                    if (!TryPort(Next(), out var port)) { error = "--port needs a port number from 1 to 65535."; return false; }
                    options = options with { Port = port };
                    break;
                case "--dashboard-port":
                    if (!TryPort(Next(), out var dashboard)) { error = "--dashboard-port needs a port number from 1 to 65535."; return false; }
                    options = options with { DashboardPort = dashboard };
                    break;
                case "--postgres":
                    options = options with { Postgres = true };
                    break;
                case "--registry-replicas":
                    if (!int.TryParse(Next(), out var registries) || registries is < 1 or > 16) { error = "--registry-replicas needs a number from 1 to 16."; return false; }
                    options = options with { RegistryReplicas = registries };
                    break;
                case "--workers":
                    if (!int.TryParse(Next(), out var workers) || workers is < 1 or > 64) { error = "--workers needs a number from 1 to 64."; return false; }
                    options = options with { Workers = workers };
                    break;
                case "--data-dir":
                    var dir = Next();
                    if (string.IsNullOrWhiteSpace(dir)) { error = "--data-dir needs a path."; return false; }
                    options = options with { DataDirectory = Path.GetFullPath(dir) };
                    break;
                case "--operation" or "--publisher" or "--output-path":
                    var value = Next();
                    if (string.IsNullOrWhiteSpace(value)) { error = $"{arg} needs a value."; return false; }
                    options = options with { AspireArguments = [.. options.AspireArguments, arg, value] };
                    break;
                default:
                    error = $"Unknown argument '{arg}'.";
                    return false;
            }
        }

        if (options.RegistryReplicas > 1 && !options.Postgres)
        {
            error = $"--registry-replicas {options.RegistryReplicas} needs --postgres: SQLite is one file one registry process owns.";
            return false;
        }

        if (options.Port == options.DashboardPort)
        {
            error = $"--port and --dashboard-port are both {options.Port}; give them different ports.";
            return false;
        }

        return true;
    }

    private static bool TryPort(string? value, out int port) =>
        int.TryParse(value, out port) && port is > 0 and < 65536;
}
