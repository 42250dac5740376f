using System.Net.Http.Json;
using System.Text.Json;
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

    [Fact]
    public async Task Predict_ChangePublishedOnRedis_ServesTheNewVersionWithoutWaitingForAPoll()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var host = new WorkerHost(new Dictionary<string, string> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.TransitionAsync(Name, 1, "Production");
        Assert.Equal("1", await ServingVersionAsync(host));
        await host.UploadAsync(Name, "fraud-detector-v2.onnx");
        await host.TransitionAsync(Name, 2, "Production", archiveExistingVersions: true);

        // The worker's clock never moves, so neither its poll nor its cache timer can notice the promotion:
        // only the message can. It is published as the registry publishes each change.
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var message = JsonSerializer.Serialize(new { sequence = 4, model = Name, kind = "stage_changed", version = "2", timestamp = 1763884800000 });
        // Published again until the worker's subscription is up and has acted on it.
        var version = await WaitForVersionAsync(host, "2",
            () => publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(RegistryChangeFeed.Channel), message));

        Assert.Equal("2", version);
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
        var version = await WaitForVersionAsync(host, "2", () => Task.CompletedTask);

        Assert.Equal("2", version);
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
    private static async Task<string> WaitForVersionAsync(WorkerHost host, string wanted, Func<Task> beforeEachTry)
    {
        var version = "";
        for (var attempt = 0; attempt < 300 && version != wanted; attempt++)
        {
            await beforeEachTry();
            version = await ServingVersionAsync(host);
            if (version != wanted)
            {
                await Task.Delay(100);
            }
        }

        return version;
    }

    private static async Task<string> ServingVersionAsync(WorkerHost host)
    {
        var response = await host.Client.PostAsJsonAsync($"/api/v1/models/{Name}/predict", new { features = new[] { 1.0, 0, 1 } });
        return (await HttpAssert.OkJsonAsync(response)).GetProperty("model_version").GetString()!;
    }
}
