using System.Net.Http.Json;
using Maestro.InferenceWorker.Models;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.InferenceWorker.Tests.Models;

/// <summary>
/// <c>Worker:MemoryBudgetMB</c> with mlp-512.onnx (about 1.2 MB each): a budget of 2 MB holds one such
/// model, so loading a second unloads the least recently used one that no request holds.
/// </summary>
public sealed class MemoryBudgetTests
{
    [Fact]
    public async Task Load_OverBudget_EvictsTheLeastRecentlyUsedModel()
    {
        await using var host = new WorkerHost(new Dictionary<string, string> { ["Worker:MemoryBudgetMB"] = "2" });
        await host.UploadAsync("first", "mlp-512.onnx");
        await host.UploadAsync("second", "mlp-512.onnx");
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();

        await LoadAsync(host, "first");
        Assert.Equal(["first"], LoadedNames(repository));
        await LoadAsync(host, "second");
        Assert.Equal(["second"], LoadedNames(repository));

        // Asked for again, the evicted model loads again and evicts the other.
        await LoadAsync(host, "first");
        Assert.Equal(["first"], LoadedNames(repository));
    }

    [Fact]
    public async Task Load_OverBudgetWhileTheOtherModelIsInUse_KeepsBoth()
    {
        await using var host = new WorkerHost(new Dictionary<string, string> { ["Worker:MemoryBudgetMB"] = "2" });
        await host.UploadAsync("first", "mlp-512.onnx");
        await host.UploadAsync("second", "mlp-512.onnx");
        var repository = host.WorkerServices.GetRequiredService<ModelRepository>();

        using (await repository.AcquireAsync("first", CancellationToken.None))
        {
            await LoadAsync(host, "second");
            Assert.Equal(["first", "second"], LoadedNames(repository));
        }
    }

    [Fact]
    public async Task Load_NoBudget_KeepsEveryModel()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync("first", "mlp-512.onnx");
        await host.UploadAsync("second", "mlp-512.onnx");

        await LoadAsync(host, "first");
        await LoadAsync(host, "second");

        Assert.Equal(["first", "second"], LoadedNames(host.WorkerServices.GetRequiredService<ModelRepository>()));
    }

    /// <summary>Loads the model through the seed API's health route.</summary>
    private static async Task LoadAsync(WorkerHost host, string name)
    {
        var health = await HttpAssert.OkJsonAsync(await host.Client.GetAsync($"/api/v1/models/{name}/health"));
        Assert.True(health.GetProperty("model_loaded").GetBoolean());
    }

    private static string[] LoadedNames(ModelRepository repository) => [.. repository.Loaded.Select(m => m.Name).Order(StringComparer.Ordinal)];
}
