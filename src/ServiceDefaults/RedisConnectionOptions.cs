namespace Maestro.ServiceDefaults;

/// <summary>The service's Redis: <c>ConnectionStrings:redis</c>, read and checked at start (<see cref="RedisConnectionOptionsValidator"/>).</summary>
public sealed class RedisConnectionOptions
{
    /// <summary>The connection string's name, as Aspire's convention has it (<c>ConnectionStrings:redis</c>).</summary>
    public const string ConnectionStringName = "redis";

    /// <summary>StackExchange.Redis's configuration string; empty means the service runs without Redis.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>What the service does while Redis cannot be reached, for the warning that says so.</summary>
    public string WhileUnavailable { get; set; } = "the service works without it and keeps reconnecting";
}
