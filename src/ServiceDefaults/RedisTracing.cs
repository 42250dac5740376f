using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Maestro.ServiceDefaults;

/// <summary>
/// Spans for the service's Redis commands (OpenTelemetry.Instrumentation.StackExchangeRedis) on its one
/// <see cref="RedisConnection"/>: the multiplexer is handed to the instrumentation as soon as it exists
/// (it is the same object through every reconnect), so nothing waits for Redis.
/// </summary>
internal static class RedisTracing
{
    public static TracerProviderBuilder AddRedisConnectionInstrumentation(this TracerProviderBuilder tracing) => tracing
        .AddRedisInstrumentation()
        .ConfigureRedisInstrumentation((provider, instrumentation) =>
            provider.GetRequiredService<RedisConnection>().WhenOpened(multiplexer => instrumentation.AddConnection(multiplexer)));
}
