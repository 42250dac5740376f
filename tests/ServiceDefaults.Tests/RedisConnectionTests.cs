using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>The one Redis connection <c>AddServiceDefaults</c> gives a service, against a real <c>redis-server</c>.</summary>
public sealed class RedisConnectionTests
{
    [Fact]
    public async Task AddServiceDefaults_NoRedisConfigured_HasAConnectionThatIsNotConfigured()
    {
        await using var app = await TestApp.StartAsync();
        var redis = app.Services.GetRequiredService<RedisConnection>();

        Assert.False(redis.IsConfigured);
        Assert.Null(redis.Database);
        Assert.False(redis.TryGetMultiplexer(out _));
        Assert.Throws<InvalidOperationException>(() => redis.Multiplexer);
    }

    [Fact]
    public async Task AddServiceDefaults_RedisRunning_ConnectsAtStartAndEveryoneSharesOneMultiplexer()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var app = await TestApp.StartAsync(builder => builder.Configuration["ConnectionStrings:redis"] = server.ConnectionString);
        var redis = app.Services.GetRequiredService<RedisConnection>();

        // Nothing asked for the connection yet: it was opened when the host started.
        var multiplexer = await redis.GetMultiplexerAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(multiplexer.IsConnected);
        Assert.Same(multiplexer, app.Services.GetRequiredService<RedisConnection>().Multiplexer);
        await redis.Database!.StringSetAsync("maestro:test", "shared");
        Assert.Equal("shared", (string?)await multiplexer.GetDatabase().StringGetAsync("maestro:test"));
    }

    [Fact]
    public async Task AddServiceDefaults_RedisUnreachable_StartsAndHasNoDatabase()
    {
        await using var app = await TestApp.StartAsync(builder =>
            builder.Configuration["ConnectionStrings:redis"] = $"127.0.0.1:{FreePorts.Next()},connectTimeout=500");
        var redis = app.Services.GetRequiredService<RedisConnection>();

        var multiplexer = await redis.GetMultiplexerAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(redis.IsConfigured);
        Assert.False(multiplexer.IsConnected);
        Assert.Null(redis.Database);
    }

    [Fact]
    public async Task AddServiceDefaults_UnreadableRedisConnectionString_FailsStartNamingIt()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(builder =>
            builder.Configuration["ConnectionStrings:redis"] = "127.0.0.1:6379,connectTimeout=soon"));

        Assert.Contains(error.Failures, f => f.StartsWith("ConnectionStrings:redis is not a Redis connection string", StringComparison.Ordinal));
    }
}
