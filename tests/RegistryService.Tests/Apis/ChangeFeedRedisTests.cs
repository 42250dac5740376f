using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Maestro.Testing;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary>With <c>ConnectionStrings:redis</c> set, each committed change is published on <c>maestro:registry:changes</c>.</summary>
public abstract class ChangeFeedRedisTests(StoreBackend backend) : IAsyncLifetime
{
    private const string Channel = "maestro:registry:changes";

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task StageChange_RedisUp_PublishesTheSameObjectTheFeedLists()
    {
        await using var factory = new RedisRegistryFactory(_redis.ConnectionString, backend);
        using var client = factory.CreateClient();
        await using var subscriber = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var received = new ConcurrentQueue<string>();
        await subscriber.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => received.Enqueue(message!));
        var name = await client.CreateModelAsync("published");
        await client.UploadSampleAsync(name);

        // The registry connects to Redis in the background: changes made before it is connected are
        // only listed, so keep changing the stage until one is published.
        var published = await ChangeUntilPublishedAsync(client, name, received);

        var sequence = published.GetProperty("sequence").GetInt64();
        using var listed = await client.GetAsync($"/api/v1/changes?since={sequence - 1}&max_results=1");
        var change = Assert.Single((await listed.ReadJsonAsync()).GetProperty("changes").EnumerateArray());
        Assert.Equal(change.GetRawText(), published.GetRawText());
        Assert.Contains(published.GetProperty("kind").GetString(), new[] { "version_created", "stage_changed" });
    }

    [Fact]
    public async Task Changes_RedisStopsAndReturns_RequestsSucceedAndPublishingResumes()
    {
        await using var factory = new RedisRegistryFactory(_redis.ConnectionString, backend);
        using var client = factory.CreateClient();
        var name = await client.CreateModelAsync("redis-down");
        await client.UploadSampleAsync(name);
        var received = new ConcurrentQueue<string>();
        await using (var subscriber = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
        {
            await subscriber.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => received.Enqueue(message!));
            await ChangeUntilPublishedAsync(client, name, received);
        }

        await _redis.StopAsync();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.TransitionAsync(name, 1, i % 2 == 0 ? "Staging" : "None");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await client.UploadSampleAsync(name);
        await _redis.StartAsync();
        await using var again = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        received.Clear();
        await again.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => received.Enqueue(message!));
        await ChangeUntilPublishedAsync(client, name, received);
    }

    [Fact]
    public async Task Changes_RedisNeverReachable_RequestsSucceedAndTheFeedListsThem()
    {
        var nobody = $"127.0.0.1:{FreePorts.Next()},connectTimeout=500";
        await using var factory = new RedisRegistryFactory(nobody, backend);
        using var client = factory.CreateClient();

        var name = await client.CreateModelAsync("no-redis");
        await client.UploadSampleAsync(name);
        using var promoted = await client.TransitionAsync(name, 1, "Production");

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        using var feed = await client.GetAsync("/api/v1/changes");
        var kinds = (await feed.ReadJsonAsync()).GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("model").GetString() == name).Select(c => c.GetProperty("kind").GetString());
        Assert.Equal(["version_created", "stage_changed"], kinds);
    }

    /// <summary>Moves version 1 between Staging and None until a change of <paramref name="name"/> arrives; returns it.</summary>
    private static async Task<JsonElement> ChangeUntilPublishedAsync(HttpClient client, string name, ConcurrentQueue<string> received)
    {
        var deadline = Stopwatch.StartNew();
        for (var round = 0; deadline.Elapsed < TimeSpan.FromSeconds(60); round++)
        {
            using (var response = await client.TransitionAsync(name, 1, round % 2 == 0 ? "Staging" : "None"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < TimeSpan.FromSeconds(2))
            {
                while (received.TryDequeue(out var message))
                {
                    using var document = JsonDocument.Parse(message);
                    if (document.RootElement.GetProperty("model").GetString() == name)
                    {
                        return document.RootElement.Clone();
                    }
                }

                await Task.Delay(50);
            }
        }

        Assert.Fail($"No change of '{name}' was published on {Channel} within 60 s.");
        return default;
    }

    private sealed class RedisRegistryFactory : RegistryFactory
    {
        public RedisRegistryFactory(string redis, StoreBackend backend)
            : base(backend) => Settings["ConnectionStrings:redis"] = redis;

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            SqliteConnection.ClearAllPools();
        }
    }

    public sealed class OnSqlite() : ChangeFeedRedisTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : ChangeFeedRedisTests(StoreBackend.Postgres);
}
