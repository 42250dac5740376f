using System.Data;
using System.Data.Common;
using System.Text.Json;
using Npgsql;

namespace Maestro.RegistryService.Infrastructure.Postgres;

/// <summary>
/// PostgreSQL's answers to <see cref="ISqlDialect"/>: lists as arrays (pairs as JSON), <c>LIKE</c> and
/// <c>ILIKE</c> without an escape character (as SQLite's), and the write lock as a transaction-level
/// advisory lock that every registry process on the database takes.
/// </summary>
internal sealed class PostgresDialect : ISqlDialect
{
    /// <summary>The advisory lock key of the registry's writes (<see cref="BeginWrite"/>).</summary>
    public const long WriteLockKey = 0x4D61_6573_7472_6F02;

    public static readonly PostgresDialect Instance = new();

    private PostgresDialect()
    {
    }

    public string DeferForeignKeys => "SET CONSTRAINTS ALL DEFERRED";

    public string InTextList(string parameter) => $"= ANY({parameter})";

    public object TextList(IReadOnlyList<string> values) => values.ToArray();

    public string InVersionList(string parameter) =>
        $"IN (SELECT e->>0, (e->>1)::integer FROM jsonb_array_elements(CAST({parameter} AS jsonb)) AS e)";

    public object VersionList(IEnumerable<(string Model, int Version)> versions) =>
        JsonSerializer.Serialize(versions.Select(v => new object[] { v.Model, v.Version }));

    /// <summary>The columns are <c>COLLATE "C"</c>, so ILIKE folds ASCII letters only, like SQLite's LIKE.</summary>
    public string Like(string column, string parameter, bool caseSensitive) =>
        $"{column} {(caseSensitive ? "LIKE" : "ILIKE")} {parameter} ESCAPE ''";

    public string LikePattern(string pattern, bool caseSensitive) => pattern;

    public bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>A snapshot for the whole transaction (READ COMMITTED would take one per statement).</summary>
    public DbTransaction BeginRead(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    public DbTransaction BeginWrite(DbConnection connection)
    {
        var transaction = ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.ReadCommitted);
        try
        {
            Sql.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("@key", WriteLockKey));
            return transaction;
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }
}
