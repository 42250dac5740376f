using System.Net.Http.Json;
using Maestro.Contracts;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Tests.Batching;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Maestro.InferenceWorker.Tests.Models;

/// <summary>
/// How the registry's changes reach a worker: published on Redis (at once), read from
/// <c>GET /api/v1/changes</c> every refresh interval, and neither when the registry is down.
/// </summary>
public sealed class RegistryChangeFeedTests
{
    private const string Name = "followed";

    private static readonly System.Text.Json.JsonSerializerOptions RegistryJson = Maestro.InferenceWorker.Registry.RegistryClient.Json;

    [Fact]
    public async Task Predict_PromotionPublishedOnRedis_ServesTheNewVersionWithoutWaitingForAPoll()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var withRedis = new Dictionary<string, string> { ["ConnectionStrings:redis"] = redis.ConnectionString };
        await using var host = new WorkerHost(withRedis, registrySettings: withRedis);
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.TransitionAsync(Name, 1, "Production");
        Assert.Equal("1", await ServingVersionAsync(host));
        await host.UploadAsync(Name, "fraud-detector-v2.onnx");
        await using var redisClient = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await ModelBatcherTests.WaitUntil(() => Subscribers(redisClient) > 0);

        // The worker's clock never moves, so neither its poll nor its cache timer can notice the
        // promotion: only the registry's message on Redis can.
        await host.TransitionAsync(Name, 2, "Production", archiveExistingVersions: true);

        Assert.Equal("2", await WaitForVersionAsync(host, "2"));
    }

    [Fact]
    public async Task Predict_RegistryWithChangeFeed_FollowsItAndSwapsOnTheNextPoll()
    {
        await using var host = new WorkerHost();
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();
        await ModelBatcherTests.WaitUntil(() => repository.FollowsChangeFeed);
        await host.UploadAsync(Name, "fraud-detector.onnx");
        Assert.Equal("1", await ServingVersionAsync(host));
        await host.UploadAsync(Name, "fraud-detector-v2.onnx");
        await host.TransitionAsync(Name, 2, "Production");

        host.Time.Advance(WorkerHost.RefreshInterval);
        Assert.Equal("2", await WaitForVersionAsync(host, "2"));
    }

    [Fact]
    public async Task Predict_PromotionPrunedWhileTheWorkerWasBehindTheRetentionWindow_StillReachesIt()
    {
        // The registry keeps one change and prunes every second of its (real) clock.
        await using var host = new WorkerHost(registrySettings: new Dictionary<string, string>
        {
            ["Registry:ChangeFeed:Retention:MaxRows"] = "1",
            ["Registry:ChangeFeed:Retention:Interval"] = "00:00:01",
        });
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();
        await ModelBatcherTests.WaitUntil(() => repository.FollowsChangeFeed);
        await host.UploadAsync(Name, "fraud-detector.onnx");
        Assert.Equal("1", await ServingVersionAsync(host));
        var position = (await host.Registry.GetFromJsonAsync<ChangePage>("/api/v1/changes", RegistryJson))!.LastSequence;

        // While the worker's clock stands still (no poll), the promotion happens and is pruned away:
        // the one change kept is another model's.
        await host.UploadAsync(Name, "fraud-detector-v2.onnx");
        await host.TransitionAsync(Name, 2, "Production");
        await host.UploadAsync("unrelated", "fraud-detector.onnx");
        for (var attempt = 0; ; attempt++)
        {
            var page = (await host.Registry.GetFromJsonAsync<ChangePage>($"/api/v1/changes?since={position}", RegistryJson))!;
            if (page.BehindWindow && page.Changes.All(change => change.Model != Name))
            {
                break;
            }

            Assert.True(attempt < 300, "the registry did not prune the promotion within 30 s");
            await Task.Delay(100);
        }

        host.Time.Advance(WorkerHost.RefreshInterval);

        Assert.Equal("2", await WaitForVersionAsync(host, "2"));
    }

    [Fact]
    public async Task Predict_RegistryDown_KeepsServingTheLoadedVersion()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        Assert.Equal("1", await ServingVersionAsync(host));

        host.RegistryDown = true;
        for (var i = 0; i < 3; i++)
        {
            host.Time.Advance(WorkerHost.RefreshInterval * 5);
            Assert.Equal("1", await ServingVersionAsync(host));
        }

        var health = await HttpAssert.OkJsonAsync(await host.Client.GetAsync($"/api/v1/models/{Name}/health"));
        Assert.True(health.GetProperty("model_loaded").GetBoolean());
    }

    /// <summary>Predicts until <paramref name="wanted"/> answers (at most 30 s); returns the last version seen.</summary>
    private static async Task<string> WaitForVersionAsync(WorkerHost host, string wanted)
    {
        var version = "";
        for (var attempt = 0; attempt < 300 && version != wanted; attempt++)
        {
            version = await ServingVersionAsync(host);
            if (version != wanted)
            {
                await Task.Delay(100);
            }
        }

        return version;
    }

    /// <summary>How many clients listen on the registry's change channel (PUBSUB NUMSUB).</summary>
    private static long Subscribers(ConnectionMultiplexer redis)
    {
        var reply = (RedisResult[])redis.GetServers()[0].Execute("PUBSUB", "NUMSUB", ChangeFeed.Channel)!;
        return (long)reply[1];
    }

    private static async Task<string> ServingVersionAsync(WorkerHost host)
    {
        var response = await host.Client.PostAsJsonAsync($"/api/v1/models/{Name}/predict", new { features = new[] { 1.0, 0, 1 } });
        return (await HttpAssert.OkJsonAsync(response)).GetProperty("model_version").GetString()!;
    }
}
