using System.Data.Common;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Where the registry keeps its records, from <c>ConnectionStrings:registry</c>: absent or empty, a
/// SQLite file under <c>Registry:DataDirectory</c>; a PostgreSQL connection string (one with
/// <c>Host=</c>), that database. Anything else stops the registry at start with a message naming the
/// setting (never its value: it may hold a password). Artifacts live under the data directory either
/// way; with PostgreSQL several registry processes may share that directory.
/// </summary>
internal sealed record RegistryStorage(RegistryBackend Backend, string? ConnectionString)
{
    /// <summary>The name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionName = "registry";

    public const string Setting = "ConnectionStrings:" + ConnectionName;

    public static RegistryStorage Sqlite { get; } = new(RegistryBackend.Sqlite, null);

    /// <summary>
    /// Whether other registry processes may use the same data directory at the same time (so start-up
    /// clean-up must leave their work in progress alone): only with a database they share.
    /// </summary>
    public bool SharesDataDirectory => Backend == RegistryBackend.PostgreSql;

    public static RegistryStorage Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return Sqlite;
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw Invalid("is not a list of key=value pairs");
        }

        // Npgsql reads Host, or its alias Server.
        return builder.ContainsKey("Host") || builder.ContainsKey("Server")
            ? new RegistryStorage(RegistryBackend.PostgreSql, connectionString)
            : throw Invalid("names no Host");
    }

    /// <summary>What is wrong with a setting that names neither back-end, and what to give instead.</summary>
    private static string Problem(string why) =>
        $"{Setting} is set but {why}: give a PostgreSQL connection string "
        + "(Host=…;Port=5432;Database=…;Username=…;Password=…), or remove the setting to keep the registry "
        + "in SQLite under Registry:DataDirectory.";

    private static InvalidOperationException Invalid(string why) => new(Problem(why));
}
