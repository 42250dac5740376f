using System.Data.Common;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// The SQL that differs between database engines. Everything else the stores write is portable SQL:
/// named <c>@parameters</c>, <c>INSERT … ON CONFLICT … DO UPDATE</c>, <c>RETURNING</c>, <c>||</c>,
/// <c>COALESCE</c>. A store asks its dialect for these fragments and never names an engine itself.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>A condition <c>IN (…)</c> over the strings of a list parameter (see <see cref="TextList"/>).</summary>
    string InTextList(string parameter);

    /// <summary>The value of a list parameter for <see cref="InTextList"/>.</summary>
    object TextList(IReadOnlyList<string> values);

    /// <summary>A condition <c>(model, version) IN (…)</c> over a list parameter of pairs (see <see cref="VersionList"/>).</summary>
    string InVersionList(string parameter);

    /// <summary>The value of a list parameter for <see cref="InVersionList"/>.</summary>
    object VersionList(IEnumerable<(string Model, int Version)> versions);

    /// <summary>
    /// A condition that <paramref name="column"/> matches the pattern in <paramref name="parameter"/>,
    /// a SQL <c>LIKE</c> pattern (<c>%</c>, <c>_</c>) passed through <see cref="LikePattern"/>.
    /// </summary>
    string Like(string column, string parameter, bool caseSensitive);

    /// <summary>The parameter value <see cref="Like"/> compares with, from a SQL <c>LIKE</c> pattern.</summary>
    string LikePattern(string pattern, bool caseSensitive);

    /// <summary>The statement that defers foreign key checks to the end of the current transaction.</summary>
    string DeferForeignKeys { get; }

    /// <summary>Whether a failed statement broke a unique (or primary) key.</summary>
    bool IsUniqueViolation(DbException exception);

    /// <summary>A transaction for reads that must see one state, without taking the write lock.</summary>
    DbTransaction BeginRead(DbConnection connection);

    /// <summary>
    /// A transaction that holds the registry's one write lock until it ends, across every process on
    /// the database: writes happen one at a time, each sees every write committed before it, and
    /// change-feed sequences are committed in the order they are handed out.
    /// </summary>
    DbTransaction BeginWrite(DbConnection connection);
}
