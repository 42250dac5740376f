using Microsoft.Extensions.Hosting;

namespace Maestro.ServiceDefaults;

/// <summary>Opens the <see cref="RedisConnection"/> when the host starts, not on the first request that needs it.</summary>
internal sealed class RedisConnectionStarter : IHostedService
{
    /// <summary>The host resolves its hosted services at start: taking the connection as a dependency is what opens it.</summary>
    public RedisConnectionStarter(RedisConnection redis) => ArgumentNullException.ThrowIfNull(redis);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
