using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>The platform with the registry on PostgreSQL (<c>--postgres</c>) and two registry replicas.</summary>
public sealed class PostgresReplicasFixture : IAsyncLifetime
{
    public AppHostProcess Platform { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Platform = await AppHostProcess.StartAsync(workers: 2, seed: true, arguments: ["--postgres", "--registry-replicas", "2"]);

    public async Task DisposeAsync() => await Platform.DisposeAsync();
}

/// <summary>
/// The end-to-end scenario through the gateway with two registry replicas on one PostgreSQL that the
/// AppHost runs (Debian's postgresql as an executable resource): uploads spread over both replicas,
/// a promotion made on one served by the workers and listed once on the change feed of both.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PostgresReplicasTests(PostgresReplicasFixture fixture) : IClassFixture<PostgresReplicasFixture>
{
    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task Start_PostgresTwoRegistryReplicas_BothOnTheAppHostsPostgresAndSeenByTheGateway()
    {
        var registries = Platform.Services().Where(s => s.Service == "registry").ToArray();

        Assert.Equal(2, registries.Select(r => r.Instance).Distinct().Count());
        foreach (var registry in registries)
        {
            Assert.StartsWith("Host=127.0.0.1;Port=", PlatformProcesses.EnvironmentVariable(registry.Pid, "ConnectionStrings__registry"));
        }

        Assert.Equal(registries.Select(r => r.Url).Order(), RegistryReplicas().Order());
        Assert.Contains(Path.Combine(Platform.DataDirectory, "discovery", "registry.json"),
            PlatformProcesses.EnvironmentVariable(Platform.Services().Single(s => s.Service == "gateway").Pid, "Maestro__DiscoveryFile"));
        Assert.True(File.Exists(Path.Combine(Platform.DataDirectory, "postgres", "PG_VERSION")), "no cluster under <data-dir>/postgres");
        using var predicted = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features = new[] { 0.5, 1.2, 3.4 } });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
    }

    [Fact]
    public async Task UploadsAndPromotion_ThroughTheGatewayOnTwoReplicas_DistinctVersionsServedAndOnTheFeedOnce()
    {
        var name = "pg-e2e-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Platform.Http.PostAsJsonAsync("/api/v1/models", new { name }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var bytes = await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx"));
        var versions = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", "iris-classifier.onnx");
            using var uploaded = await Platform.Http.PostAsync($"/api/v1/models/{name}/versions", form);
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            return (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        }));
        Assert.Equal(Enumerable.Range(1, 20), versions.Order());

        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var replicas = RegistryReplicas();
        var since = (await direct.GetFromJsonAsync<JsonElement>($"{replicas[0]}/api/v1/changes")).GetProperty("last_sequence").GetInt64();
        using (var promoted = await direct.PostAsJsonAsync($"{replicas[0]}/api/v1/models/{name}/versions/20/stage",
                   new { stage = "Production", archive_existing_versions = true }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        foreach (var replica in replicas)
        {
            var version = await direct.GetFromJsonAsync<JsonElement>($"{replica}/api/v1/models/{name}/versions/20");
            Assert.Equal("Production", version.GetProperty("current_stage").GetString());
            var feed = await direct.GetFromJsonAsync<JsonElement>($"{replica}/api/v1/changes?since={since}");
            Assert.Single(feed.GetProperty("changes").EnumerateArray(),
                c => c.GetProperty("model").GetString() == name && c.GetProperty("kind").GetString() == "stage_changed" && c.GetProperty("version").GetString() == "20");
        }

        // A virginica-like flower through the gateway, answered by version 20 (a worker follows the feed).
        string served = "";
        for (var attempt = 0; attempt < 60 && served != "20"; attempt++)
        {
            using var predicted = await Platform.Http.PostAsJsonAsync($"/api/v1/models/{name}/predict", new { features = new[] { 6.7, 3.0, 5.2, 2.3 } });
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
            var prediction = await predicted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(2, prediction.GetProperty("prediction").GetDouble());
            served = prediction.GetProperty("model_version").GetString()!;
            if (served != "20")
            {
                await Task.Delay(500);
            }
        }

        Assert.Equal("20", served);
    }

    /// <summary>The registry replica addresses the AppHost handed the gateway and the workers.</summary>
    private string[] RegistryReplicas()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Platform.DataDirectory, "discovery", "registry.json")));
        return document.RootElement.GetProperty("services").GetProperty("registry").GetProperty("http")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}
