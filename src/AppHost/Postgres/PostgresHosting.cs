namespace Maestro.AppHost.Postgres;

/// <summary>How PostgreSQL runs for this AppHost (with <c>--postgres</c>).</summary>
public enum PostgresHosting
{
    /// <summary>Aspire's <c>AddPostgres</c>: the <c>postgres</c> container image.</summary>
    Container,

    /// <summary>The machine's own PostgreSQL (Debian's <c>postgresql</c>), as an executable resource.</summary>
    Executable,
}
