using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure.Postgres;

/// <summary>
/// Two real registry processes on one PostgreSQL database and one data directory — what two replicas
/// behind a Service are — started at the same time (so they migrate the new database together).
/// </summary>
public sealed class TwoRegistryProcessesTests : IAsyncLifetime
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("two-registries");
    private readonly string _connectionString = PostgresServer.Shared.CreateDatabase("two_registries");
    private RegistryProcess _a = null!;
    private RegistryProcess _b = null!;

    public async Task InitializeAsync()
    {
        var both = await Task.WhenAll(RegistryProcess.StartAsync(_dataDirectory, _connectionString), RegistryProcess.StartAsync(_dataDirectory, _connectionString));
        (_a, _b) = (both[0], both[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Upload_TwentyInParallelSplitAcrossBoth_GetsTwentyDistinctVersionNumbers()
    {
        var name = await _a.Http.CreateModelAsync("two-uploads");
        var samples = new[] { RegistryClient.FraudDetector, RegistryClient.IrisClassifier };

        var versions = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            (await (i % 2 == 0 ? _a : _b).Http.UploadSampleAsync(name, samples[i / 2 % 2])).GetProperty("version").GetInt32()));

        Assert.Equal(Enumerable.Range(1, 20), versions.Order());
        Assert.Equal(Enumerable.Range(1, 20).Reverse(), await _b.Http.ListVersionNumbersAsync(name));
        foreach (var version in new[] { 1, 20 })
        {
            using var artifact = await _a.Http.GetAsync($"/api/v1/models/{name}/versions/{version}/artifact");
            Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
        }
    }

    [Fact]
    public async Task Promote_OnOne_IsServedByTheOtherAndOnTheChangeFeedOnce()
    {
        var name = await _a.Http.CreateModelAsync("two-promote");
        await _a.Http.UploadSampleAsync(name);
        await _b.Http.UploadSampleAsync(name);
        var since = (await _b.Http.GetFromJsonAsync<JsonElement>("/api/v1/changes")).GetProperty("last_sequence").GetInt64();

        using (var promoted = await _a.Http.TransitionAsync(name, 2, "Production", archiveExistingVersions: true))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        Assert.Equal("Production", await _b.Http.StageOfAsync(name, 2));
        var model = await _b.Http.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        Assert.Contains(model.GetProperty("latest_versions").EnumerateArray(),
            v => v.GetProperty("version").GetInt32() == 2 && v.GetProperty("current_stage").GetString() == "Production");
        foreach (var registry in new[] { _a, _b })
        {
            var feed = await registry.Http.GetFromJsonAsync<JsonElement>($"/api/v1/changes?since={since}");
            var promotions = feed.GetProperty("changes").EnumerateArray()
                .Where(c => c.GetProperty("model").GetString() == name && c.GetProperty("kind").GetString() == "stage_changed"
                    && c.GetProperty("version").GetString() == "2")
                .ToArray();
            Assert.Single(promotions);
        }
    }
}
