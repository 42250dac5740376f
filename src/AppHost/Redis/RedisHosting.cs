namespace Maestro.AppHost.Redis;

/// <summary>How Redis runs for this AppHost.</summary>
public enum RedisHosting
{
    /// <summary>No Redis: the gateway counts quotas per instance and keeps keys in a file.</summary>
    None,

    /// <summary>Aspire's <c>AddRedis</c>: the <c>redis</c> container image.</summary>
    Container,

    /// <summary>The machine's own <c>redis-server</c>, as an executable resource.</summary>
    Executable,
}
