using System.Diagnostics;

namespace Maestro.AppHost.Postgres;

/// <summary>
/// The local server's cluster under <c>&lt;data-dir&gt;/postgres</c>, made on first start: <c>initdb</c>
/// (UTF-8, no locale, the <c>postgres</c> superuser trusted on loopback), then the registry's
/// database, created in single-user mode before the server ever listens. PostgreSQL refuses to run
/// as root: as root every step runs as the <c>postgres</c> user through <c>setpriv</c>, and the
/// directory is handed to that user.
/// </summary>
internal static class PostgresCluster
{
    public const string Setpriv = "/usr/bin/setpriv";

    public static bool RunningAsRoot => Environment.UserName == "root";

    /// <summary><paramref name="program"/> and its arguments as the command that may run it (via setpriv as root).</summary>
    public static IReadOnlyList<string> AsServerUser(string program, params string[] arguments) =>
        RunningAsRoot ? [Setpriv, "--reuid", PostgresExecutableResource.User, "--regid", PostgresExecutableResource.User, "--init-groups", "--", program, .. arguments] : [program, .. arguments];

    public static async Task InitializeAsync(string binDirectory, string dataDirectory, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(dataDirectory);
        if (RunningAsRoot)
        {
            await RunAsync(["/usr/bin/chown", $"{PostgresExecutableResource.User}:{PostgresExecutableResource.User}", dataDirectory], null, cancellationToken);
        }

        await RunAsync(AsServerUser(Path.Combine(binDirectory, "initdb"),
            "-D", dataDirectory, "-U", PostgresExecutableResource.User, "-A", "trust", "-E", "UTF8", "--no-locale"), null, cancellationToken);
        await RunAsync(AsServerUser(Path.Combine(binDirectory, "postgres"), "--single", "-D", dataDirectory, "postgres"),
            $"CREATE DATABASE {PostgresExecutableResource.DatabaseName};\n", cancellationToken);
        Console.WriteLine($"PostgreSQL: created the cluster in {dataDirectory} with database {PostgresExecutableResource.DatabaseName}.");
    }

    private static async Task RunAsync(IReadOnlyList<string> command, string? input, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(command[command[0] == Setpriv ? 7 : 0])} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
