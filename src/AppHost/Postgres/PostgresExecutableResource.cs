namespace Maestro.AppHost.Postgres;

/// <summary>
/// PostgreSQL as a local <c>postgres</c> process on a loopback port: what <c>AddPostgres</c> gives
/// where no container engine runs. Its connection string names the <see cref="DatabaseName"/>
/// database the initdb step creates, for Npgsql (<c>Host=127.0.0.1;Port=…;Username=postgres;Database=maestro</c>);
/// the server trusts loopback connections, like the local Redis, so there is no password.
/// </summary>
public sealed class PostgresExecutableResource(string name, string command, string workingDirectory, string dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public const string DatabaseName = "maestro";

    public const string User = "postgres";

    /// <summary>The cluster (<c>initdb</c>'s directory), <c>&lt;data-dir&gt;/postgres</c>.</summary>
    public string DataDirectory { get; } = dataDirectory;

    public EndpointReference Endpoint => field ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Username={User};Database={DatabaseName}");
}
