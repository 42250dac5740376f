using System.Net;
using System.Net.Http.Json;
using System.Text;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.InferenceWorker.Tests.Models;

/// <summary>Which version serves a name, as a client of the worker sees it when the registry changes.</summary>
public sealed class ModelRepositoryTests
{
    private const string Name = "scorer";

    [Fact]
    public async Task AcquireAsync_PromotedToProduction_ServesNewVersionAfterRefreshInterval()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.TransitionAsync(Name, 1, "Production");
        Assert.Equal("1", await ServingVersionAsync(host));
        await host.UploadAsync(Name, "mlp.onnx");

        await host.TransitionAsync(Name, 2, "Production", archiveExistingVersions: true);
        host.Time.Advance(WorkerHost.RefreshInterval + TimeSpan.FromMilliseconds(1));

        // The refresh runs in the background while requests keep being served by version 1.
        var version = await ServingVersionAsync(host);
        for (var attempt = 0; attempt < 100 && version != "2"; attempt++)
        {
            await Task.Delay(50);
            version = await ServingVersionAsync(host);
        }

        Assert.Equal("2", version);
        var infer = await host.Client.PostAsync($"/v2/models/{Name}/infer",
            new StringContent(ExpectedOutputs.V2Request("mlp.onnx", 1).ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await HttpAssert.OkJsonAsync(infer);
        Assert.Equal("2", body.GetProperty("model_version").GetString());
        ExpectedOutputs.AssertTensor(ExpectedOutputs.Outputs("mlp.onnx", 1)["output"]!.AsObject(),
            Assert.Single(body.GetProperty("outputs").EnumerateArray()));
    }

    [Fact]
    public async Task AcquireAsync_PromotedWithinRefreshInterval_KeepsServingCachedVersion()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        Assert.Equal("1", await ServingVersionAsync(host));
        await host.UploadAsync(Name, "mlp.onnx");
        await host.TransitionAsync(Name, 2, "Production");

        host.Time.Advance(WorkerHost.RefreshInterval - TimeSpan.FromMilliseconds(1));

        for (var i = 0; i < 5; i++)
        {
            var response = await host.Client.PostAsJsonAsync($"/api/v1/models/{Name}/predict", new { features = new[] { 1.0, 0, 1 } });
            Assert.Equal("1", (await HttpAssert.OkJsonAsync(response)).GetProperty("model_version").GetString());
        }
    }

    [Fact]
    public async Task AcquireAsync_NewerVersionWithoutProductionStage_KeepsServingProductionVersion()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.TransitionAsync(Name, 1, "Production");
        await host.UploadAsync(Name, "mlp.onnx");
        await host.TransitionAsync(Name, 2, "Staging");

        Assert.Equal("1", await ServingVersionAsync(host));
    }

    [Fact]
    public async Task AcquireAsync_NoProductionVersion_ServesNewestVersion()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.UploadAsync(Name, "mlp.onnx");

        Assert.Equal("2", await ServingVersionAsync(host));
    }

    [Fact]
    public async Task AcquireAsync_ModelWithoutVersions_Returns404SayingToUpload()
    {
        await using var host = new WorkerHost();
        (await host.Registry.PostAsJsonAsync("/api/v1/models", new { name = Name })).EnsureSuccessStatusCode();

        var response = await host.Client.PostAsJsonAsync($"/api/v1/models/{Name}/predict", new { features = new[] { 1.0, 0, 1 } });

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no versions", detail);
    }

    [Fact]
    public async Task AcquireAsync_FirstRequest_CachesArtifactUnderItsSha256()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "iris-classifier.onnx");

        await ServingVersionAsync(host);

        var loaded = host.WorkerServices.GetRequiredService<ModelRepository>().Peek(Name);
        Assert.NotNull(loaded);
        var cached = Path.Combine(host.WorkerData, "models", loaded.Sha256 + ".onnx");
        Assert.Equal(await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx")), await File.ReadAllBytesAsync(cached));
        Assert.Equal([cached], Directory.GetFiles(Path.Combine(host.WorkerData, "models")));
    }

    [Fact]
    public async Task AcquireAsync_NamedVersionsBeyondCapacity_EvictsLeastRecentlyUsedAndReloadsOnDemand()
    {
        await using var host = new WorkerHost(new Dictionary<string, string> { ["Worker:MaxExtraVersions"] = "2" });
        for (var i = 0; i < 4; i++)
        {
            await host.UploadAsync(Name, "fraud-detector.onnx");
        }

        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();
        LoadedModel first;
        using (var lease = await repository.AcquireAsync(Name, 1, CancellationToken.None))
        {
            first = lease.Model;
        }

        (await repository.AcquireAsync(Name, 2, CancellationToken.None)).Dispose();
        (await repository.AcquireAsync(Name, 1, CancellationToken.None)).Dispose(); // 1 is now the most recently used
        (await repository.AcquireAsync(Name, 3, CancellationToken.None)).Dispose();

        Assert.Equal([(Name, 3), (Name, 1)], repository.ExplicitVersions);
        Assert.False(first.IsDisposed);
        (await repository.AcquireAsync(Name, 2, CancellationToken.None)).Dispose();
        Assert.Equal([(Name, 2), (Name, 3)], repository.ExplicitVersions);
        Assert.True(first.IsDisposed);
        var again = await host.Client.GetAsync($"/v2/models/{Name}/versions/1/ready");
        Assert.True((await HttpAssert.OkJsonAsync(again)).GetProperty("ready").GetBoolean());
        Assert.Equal([(Name, 1), (Name, 2)], repository.ExplicitVersions);
    }

    [Fact]
    public async Task AcquireAsync_NamedVersionEvictedWhileInFlight_FinishesOnTheEvictedVersion()
    {
        await using var host = new WorkerHost(new Dictionary<string, string> { ["Worker:MaxExtraVersions"] = "1" });
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.UploadAsync(Name, "mlp.onnx");
        await host.UploadAsync(Name, "iris-classifier.onnx");
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();
        using var inFlight = await repository.AcquireAsync(Name, 1, CancellationToken.None);

        (await repository.AcquireAsync(Name, 2, CancellationToken.None)).Dispose();

        Assert.Equal([(Name, 2)], repository.ExplicitVersions);
        Assert.False(inFlight.Model.IsDisposed);
        Assert.Equal(0.8455348, Predictor.Predict(inFlight.Model, [[1.0, 0.0, 1.0]])[0].Probability, 1e-5);
    }

    [Fact]
    public async Task AcquireAsync_ExplicitVersionPromoted_ServesTheSameLoadedInstance()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.UploadAsync(Name, "mlp.onnx");
        Assert.Equal("2", await ServingVersionAsync(host));
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();
        LoadedModel explicitlyLoaded;
        using (var lease = await repository.AcquireAsync(Name, 1, CancellationToken.None))
        {
            explicitlyLoaded = lease.Model;
        }

        await host.TransitionAsync(Name, 1, "Production");
        host.Time.Advance(WorkerHost.RefreshInterval + TimeSpan.FromMilliseconds(1));
        var version = await ServingVersionAsync(host);
        for (var attempt = 0; attempt < 100 && version != "1"; attempt++)
        {
            await Task.Delay(50);
            version = await ServingVersionAsync(host);
        }

        Assert.Equal("1", version);
        Assert.Same(explicitlyLoaded, repository.Peek(Name));
        Assert.Empty(repository.ExplicitVersions);
        Assert.False(explicitlyLoaded.IsDisposed);
    }

    private static async Task<string?> ServingVersionAsync(WorkerHost host)
    {
        var body = await HttpAssert.OkJsonAsync(await host.Client.GetAsync($"/api/v1/models/{Name}/health"));
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        return body.GetProperty("model_version").GetString();
    }
}
