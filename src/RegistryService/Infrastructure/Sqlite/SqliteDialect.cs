using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Maestro.RegistryService.Infrastructure.Sqlite;

/// <summary>SQLite's answers to <see cref="ISqlDialect"/>: lists as JSON read with <c>json_each</c>, case-sensitive matching with <c>GLOB</c>.</summary>
internal sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    public string DeferForeignKeys => "PRAGMA defer_foreign_keys = ON";

    public string InTextList(string parameter) => $"IN (SELECT value FROM json_each({parameter}))";

    public object TextList(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    public string InVersionList(string parameter) =>
        $"IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each({parameter}))";

    public object VersionList(IEnumerable<(string Model, int Version)> versions) =>
        JsonSerializer.Serialize(versions.Select(v => new object[] { v.Model, v.Version }));

    /// <summary>SQLite's LIKE ignores case (for ASCII); GLOB does not.</summary>
    public string Like(string column, string parameter, bool caseSensitive) =>
        caseSensitive ? $"{column} GLOB {parameter}" : $"{column} LIKE {parameter}";

    public string LikePattern(string pattern, bool caseSensitive) => caseSensitive ? LikeToGlob(pattern) : pattern;

    public bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 /* SQLITE_CONSTRAINT */ };

    public DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    /// <summary><c>BEGIN IMMEDIATE</c>: SQLite's one writer lock, taken at once rather than at the first write.</summary>
    public DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <summary>A SQL LIKE pattern as a GLOB one: % → *, _ → ?, and GLOB's own wildcards escaped.</summary>
    internal static string LikeToGlob(string pattern)
    {
        var glob = new StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return glob.ToString();
    }
}
