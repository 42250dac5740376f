using System.Diagnostics;
using System.Globalization;

namespace Maestro.Testing;

/// <summary>
/// A real, throw-away PostgreSQL server (Debian's <c>postgresql</c> package): <c>initdb</c> into a
/// temp directory, <c>postgres</c> listening only on a unix socket in that directory (no TCP port to
/// collide on), durability off (a test server loses nothing it needs). One per test process
/// (<see cref="Shared"/>), stopped when the process exits — and by a watchdog should the process die
/// without exiting cleanly. Each test class or test takes a database of its own (<see cref="CreateDatabase"/>).
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, which CI is: then every PostgreSQL command runs as the
/// <c>postgres</c> user the package creates, through <c>setpriv</c> (which execs the command, so no
/// intermediate process stands between us and the server), and the directory is handed to that user.
/// </remarks>
internal sealed class PostgresServer : IDisposable
{
    private const string User = "postgres";

    private static readonly Lazy<PostgresServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _binDirectory;
    private readonly Process _server;
    private int _databases;
    private bool _stopped;

    private PostgresServer(string binDirectory, string root, int port, Process server)
    {
        _binDirectory = binDirectory;
        Root = root;
        Port = port;
        _server = server;
    }

    /// <summary>The one server of this test process, started on first use.</summary>
    public static PostgresServer Shared => SharedServer.Value;

    /// <summary>The temp directory: the cluster under <c>data</c>, the server's socket and log.</summary>
    public string Root { get; }

    /// <summary>The port number of the socket's name (<c>.s.PGSQL.&lt;port&gt;</c>).</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host={Root};Port={Port};Username={User};Database={database};Timeout=30;Command Timeout=60";

    /// <summary>A new, empty database; returns its Npgsql connection string.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref _databases)}";
        Run(Tool("createdb"), "-h", Root, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, name);
        return ConnectionString(name);
    }

    /// <summary>Runs <paramref name="sql"/> with <c>psql</c> on <paramref name="database"/>; its output.</summary>
    public string Psql(string database, string sql) =>
        Run(Tool("psql"), "-h", Root, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);

    public void Dispose()
    {
        lock (this)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        try
        {
            Run(Tool("pg_ctl"), "stop", "-D", Path.Combine(Root, "data"), "-m", "immediate", "-w");
        }
        catch (InvalidOperationException)
        {
            if (!_server.HasExited)
            {
                _server.Kill();
            }
        }

        // The watchdog ends by itself within a second of this process.
        _server.WaitForExit(10_000);
        _server.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static PostgresServer Start()
    {
        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), $"maestro-postgres-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        if (IsRoot)
        {
            Run("/usr/bin/chown", $"{User}:{User}", root);
        }

        var data = Path.Combine(root, "data");
        Run(Path.Combine(bin, "initdb"), "-D", data, "-U", User, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");
        var port = FreePorts.Next();
        var start = Command(Path.Combine(bin, "postgres"),
            "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", root, "-c", "listen_addresses=",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
            "-c", "shared_buffers=32MB");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        // Once this process is gone — whether or not its exit handlers ran — stops the server (immediate
        // shutdown) and deletes its directory.
        using var watchdog = Process.Start(new ProcessStartInfo("/bin/sh",
        [
            "-c",
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -QUIT {server.Id} 2>/dev/null; "
            + $"while kill -0 {server.Id} 2>/dev/null; do sleep 0.2; done; rm -rf '{root}'",
        ]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true })!;

        var postgres = new PostgresServer(bin, root, port, server);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => postgres.Dispose();
        postgres.WaitReady();
        return postgres;
    }

    private void WaitReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                Psql("postgres", "SELECT 1");
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }

    private string Tool(string name) => Path.Combine(_binDirectory, name);

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Debian installs each major version's programs under /usr/lib/postgresql/&lt;major&gt;/bin: the newest.</summary>
    private static string FindBinDirectory() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(dir => Path.Combine(dir, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault()
        ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres); the README's test command installs it (apt-get install postgresql).");

    /// <summary>A PostgreSQL command as the user that may run it: ourselves, or <c>postgres</c> when we are root.</summary>
    private static ProcessStartInfo Command(string program, params string[] arguments)
    {
        var info = IsRoot
            ? new ProcessStartInfo("/usr/bin/setpriv", ["--reuid", User, "--regid", User, "--init-groups", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        info.UseShellExecute = false;
        info.WorkingDirectory = "/";
        return info;
    }

    private static string Run(string program, params string[] arguments)
    {
        var info = program.StartsWith("/usr/bin/chown", StringComparison.Ordinal)
            ? new ProcessStartInfo(program, arguments) { UseShellExecute = false }
            : Command(program, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill();
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }

        return output.Result;
    }
}
