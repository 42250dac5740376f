using Maestro.AppHost.Redis;

namespace Maestro.AppHost.Postgres;

/// <summary>
/// Chooses how PostgreSQL runs with <c>--postgres</c>. Publishing always describes the container
/// (<c>AddPostgres</c>). Locally an installed PostgreSQL is preferred (no image to pull), then a
/// container engine that answers; with neither the AppHost stops and says what to install.
/// </summary>
internal static class PostgresHostingChoice
{
    public static (PostgresHosting Hosting, string Reason) Choose(bool publishing, string? binDirectory, Func<string?> containerRuntime)
    {
        if (publishing)
        {
            return (PostgresHosting.Container, "publishing: PostgreSQL is the postgres container");
        }

        if (binDirectory is not null)
        {
            return (PostgresHosting.Executable, $"PostgreSQL found in {binDirectory}");
        }

        if (containerRuntime() is { } runtime)
        {
            return (PostgresHosting.Container, $"PostgreSQL is not installed; {runtime} answers, so it runs as a container");
        }

        throw new InvalidOperationException(
            "--postgres needs PostgreSQL: install it (apt-get install postgresql) or a container engine (podman, docker).");
    }

    /// <summary>Where Debian installs the newest PostgreSQL's programs (<c>/usr/lib/postgresql/&lt;major&gt;/bin</c>), if any.</summary>
    public static string? FindBinDirectory(string root = "/usr/lib/postgresql") =>
        (Directory.Exists(root) ? Directory.GetDirectories(root) : [])
            .Select(dir => Path.Combine(dir, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "postgres")) && File.Exists(Path.Combine(bin, "initdb")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault();

    /// <summary>The container engine check shared with Redis.</summary>
    public static string? AnsweringContainerRuntime() => RedisHostingChoice.AnsweringContainerRuntime();
}
