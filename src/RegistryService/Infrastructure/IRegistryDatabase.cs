using System.Data.Common;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Where the registry's tables live: open connections (schema current, per-connection settings
/// applied) and the <see cref="Dialect"/> of the SQL they speak. The stores know nothing else of the
/// engine, so another one (PostgreSQL) is another implementation of this and of <see cref="ISqlDialect"/>.
/// </summary>
internal interface IRegistryDatabase
{
    ISqlDialect Dialect { get; }

    /// <summary>An open connection; the caller disposes it.</summary>
    DbConnection Open();
}
