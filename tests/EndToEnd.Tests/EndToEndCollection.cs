namespace Maestro.EndToEnd.Tests;

/// <summary>End-to-end classes each start a whole platform; they run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}

/// <summary>One platform (Redis, registry, two workers, gateway, seeded demo model) shared by a test class.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public AppHostProcess Platform { get; private set; } = null!;

    public async Task InitializeAsync() => Platform = await AppHostProcess.StartAsync(workers: 2, seed: true);

    public async Task DisposeAsync() => await Platform.DisposeAsync();
}

/// <summary>The platform plus a second gateway process on the same registry, workers and Redis.</summary>
public sealed class TwoGatewaysFixture : IAsyncLifetime
{
    /// <summary>
    /// Both gateways wait up to 10 s for a quota decision from Redis, as the in-process quota tests do:
    /// past the default 250 ms a gateway decides on its own bucket (by design, as when Redis is down),
    /// and a loaded 2-core machine can hold an answer that long, so exact counts would depend on load.
    /// </summary>
    private static readonly Dictionary<string, string> GatewaySettings = new() { ["Gateway__Quotas__RedisTimeout"] = "00:00:10" };

    public AppHostProcess Platform { get; private set; } = null!;

    public GatewayProcess Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await AppHostProcess.StartAsync(workers: 2, seed: true, GatewaySettings);
        Second = await GatewayProcess.StartAsync(Platform, GatewaySettings);
    }

    public async Task DisposeAsync()
    {
        // Either may be missing when starting failed half way.
        if (Second is { } second)
        {
            await second.DisposeAsync();
        }

        if (Platform is { } platform)
        {
            await platform.DisposeAsync();
        }
    }
}
