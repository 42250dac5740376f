using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>The platform as a user meets it: one URL, one key, real processes behind it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PlatformTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task Start_AppHost_RunsRedisRegistryTwoWorkersAndGatewayHealthy()
    {
        var services = Platform.Services();

        Assert.Equal(["gateway", "registry", "worker", "worker"], services.Select(s => s.Service).ToArray());
        Assert.Equal(2, services.Where(s => s.Service == "worker").Select(s => s.Instance).Distinct().Count());
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var service in services)
        {
            using var health = await direct.GetAsync($"{service.Url}/health");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service} answered /health with {(int)health.StatusCode}");
        }

        // The gateway sees each worker replica on its own address, not one proxy in front of both.
        var gatewayHealth = await Platform.Anonymous.GetFromJsonAsync<JsonElement>("/health");
        var workers = gatewayHealth.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "worker");
        Assert.Equal(2, workers.GetProperty("data").GetProperty("available").GetInt32());
        Assert.Equal(services.Where(s => s.Service == "worker").Select(s => s.Url).Order(), DiscoveredWorkers(Platform).Order());
        Assert.Contains($"Now listening on: http://localhost:{Platform.GatewayPort}", Platform.Output);
    }

    /// <summary>The worker addresses the AppHost handed the gateway.</summary>
    internal static string[] DiscoveredWorkers(AppHostProcess platform)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(platform.DiscoveryFile));
        return document.RootElement.GetProperty("services").GetProperty("worker").GetProperty("http")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    [Fact]
    public async Task Predict_ThroughTheGateway_ReachesTheWorkersOverHttp2OnTheirOwnEndpoints()
    {
        var workers = Platform.Services().Where(s => s.Service == "worker").ToArray();
        Assert.All(workers, worker => Assert.NotNull(worker.Http2Url));
        using (var document = JsonDocument.Parse(File.ReadAllText(Platform.DiscoveryFile)))
        {
            var listed = document.RootElement.GetProperty("services").GetProperty("worker").GetProperty("h2c").EnumerateArray().Select(e => e.GetString()!);
            Assert.Equal(workers.Select(w => w.Http2Url!).Order(), listed.Order());
        }

        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var before = await PredictsOverHttp2Async(direct, workers);
        for (var i = 0; i < 20; i++)
        {
            using var predicted = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features = new[] { 0.1, 0.2, 0.3 } });
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        }

        // The workers' own request metric says which protocol each predict arrived with.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        double after;
        while ((after = await PredictsOverHttp2Async(direct, workers)) - before < 20 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(after - before >= 20, $"the workers counted {after - before} predicts over HTTP/2 of the 20 sent through the gateway");
    }

    private static async Task<double> PredictsOverHttp2Async(HttpClient direct, IEnumerable<ServiceProcess> workers)
    {
        double total = 0;
        foreach (var worker in workers)
        {
            var text = await direct.GetStringAsync($"{worker.Url}/metrics");
            total += text.Split('\n')
                .Where(line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                    && line.Contains("http_route=\"/api/v1/models/{name}/predict\"", StringComparison.Ordinal)
                    && line.Contains("network_protocol_version=\"2\"", StringComparison.Ordinal))
                .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return total;
    }

    [Fact]
    public async Task Predict_SeededDemoModel_ReturnsSeedShapedPrediction()
    {
        using var response = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict",
            new { features = new[] { 1.0, 0.0, 1.0 }, metadata = new { request_id = "e2e-1" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(["model_version", "prediction", "probability", "processing_time_ms", "request_id"],
            root.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(1, root.GetProperty("prediction").GetDouble());
        Assert.Equal(0.8455348, root.GetProperty("probability").GetDouble(), 5);
        Assert.Equal("1", root.GetProperty("model_version").GetString());
        Assert.Equal("e2e-1", root.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task RegisterPromoteAndPredict_NewModel_ServedBySeedApiAndV2()
    {
        const string name = "iris-e2e";
        using (var created = await Platform.Http.PostAsJsonAsync("/api/v1/models", new { name, description = "end-to-end" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx")));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "iris-classifier.onnx");
        using (var uploaded = await Platform.Http.PostAsync($"/api/v1/models/{name}/versions", form))
        {
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            Assert.Equal(1, (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        }

        using (var promoted = await Platform.Http.PostAsJsonAsync($"/api/v1/models/{name}/versions/1/stage",
                   new { stage = "Production", archive_existing_versions = true }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
            Assert.Equal("Production", (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("current_stage").GetString());
        }

        // A virginica-like flower: the classifier's label 2.
        using var predicted = await Platform.Http.PostAsJsonAsync($"/api/v1/models/{name}/predict", new { features = new[] { 6.7, 3.0, 5.2, 2.3 } });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        var prediction = await predicted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, prediction.GetProperty("prediction").GetDouble());
        Assert.InRange(prediction.GetProperty("probability").GetDouble(), 0.5, 1.0);

        using var inferred = await Platform.Http.PostAsJsonAsync($"/v2/models/{name}/infer", new
        {
            id = "v2-e2e",
            inputs = new[] { new { name = "features", shape = new[] { 2, 4 }, datatype = "FP32", data = new[] { 5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3 } } },
            outputs = new[] { new { name = "label" } },
        });
        Assert.Equal(HttpStatusCode.OK, inferred.StatusCode);
        var v2 = await inferred.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("v2-e2e", v2.GetProperty("id").GetString());
        Assert.Equal(name, v2.GetProperty("model_name").GetString());
        var output = Assert.Single(v2.GetProperty("outputs").EnumerateArray());
        Assert.Equal("label", output.GetProperty("name").GetString());
        Assert.Equal("INT64", output.GetProperty("datatype").GetString());
        Assert.Equal([0L, 2L], output.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    [Theory]
    [InlineData("/api/v1/models/fraud-detector/predict", "application/problem+json")]
    [InlineData("/v2/models/fraud-detector/infer", "application/json")]
    public async Task Call_WithoutApiKey_Returns401(string path, string mediaType)
    {
        using var response = await Platform.Anonymous.PostAsJsonAsync(path, new { features = new[] { 1.0, 2.0, 3.0 } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reason = mediaType == "application/json" ? body.GetProperty("error") : body.GetProperty("detail");
        Assert.Contains("X-API-Key", reason.GetString());
    }

    [Fact]
    public async Task Call_WithWrongApiKey_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models/fraud-detector");
        request.Headers.Add("X-API-Key", "not-the-key");

        using var response = await Platform.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_EveryService_ServesPrometheusText()
    {
        for (var i = 0; i < 10; i++)
        {
            using var predicted = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features = new[] { 0.1, 0.2, 0.3 } });
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        }

        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var workersCounting = 0;
        foreach (var replica in Platform.Services().Where(r => r.Service is "registry" or "worker"))
        {
            // Some traffic of its own first: a replica restarted by another test may have served none yet.
            var path = replica.Service == "registry" ? "/api/v1/models/fraud-detector" : "/v2/health/ready";
            using (var served = await direct.GetAsync($"{replica.Url}{path}"))
            {
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }

            var text = await direct.GetStringAsync($"{replica.Url}/metrics");
            Assert.Contains("# TYPE ", text);
            Assert.Contains("dotnet_gc_collections_total", text);
            Assert.Contains("http_server_request_duration_seconds_bucket", text);
            if (replica.Service == "registry")
            {
                Assert.Contains("maestro_registry_uploads_total{", text);
            }
            else if (text.Contains("maestro_inference_requests_total{"))
            {
                workersCounting++;
            }
        }

        // Which worker served is the gateway's choice; the ones that did count it.
        Assert.True(workersCounting >= 1, "no worker reports maestro_inference_requests_total");

        var gateway = await Platform.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", gateway);
        Assert.Contains("kestrel_active_connections", gateway);
    }

    [Fact]
    public async Task KillWorker_AppHostRestartsIt_AndItServesAgain()
    {
        await Platform.WaitForAvailableWorkersAsync();
        var before = Platform.Replica("worker", 0);

        System.Diagnostics.Process.GetProcessById(before.Pid).Kill();

        // Callers do not notice: a request sent to the dead worker is retried on the other one.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features = new[] { 1.0, 0.0, 1.0 } });
            statuses.Add(response.StatusCode);
        }

        var after = before;
        using var direct = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Platform.WaitUntilAsync(async () =>
        {
            after = Platform.Services().SingleOrDefault(s => s.Instance == before.Instance) ?? before;
            return after.Pid != before.Pid && (await direct.GetAsync($"{after.Url}/health")).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), "the killed worker replica to be started again and healthy");
        Assert.True(statuses.All(s => s == HttpStatusCode.OK),
            $"Predictions while {before.Instance} was down: {string.Join(", ", statuses)}. Gateway warnings:\n"
            + string.Join('\n', Platform.Output.Split('\n').Where(l => l.Contains("Maestro.Gateway") && l.Contains("warn")).Select(l => l[..Math.Min(l.Length, 400)])));

        // The restarted process itself serves predictions…
        using var served = await direct.PostAsJsonAsync($"{after.Url}/api/v1/models/fraud-detector/predict", new { features = new[] { 1.0, 0.0, 1.0 } });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // …the gateway is told where it now listens (an Aspire replica comes back on a new port)…
        await Platform.WaitUntilAsync(() => Task.FromResult(DiscoveredWorkers(Platform).Contains(after.Url)), TimeSpan.FromSeconds(30),
            $"the discovery file to list {after.Url}");

        // …and uses it again: ten calls in a row succeed once the gateway has seen it healthy.
        var streak = 0;
        await Platform.WaitUntilAsync(async () =>
        {
            using var response = await Platform.Http.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features = new[] { 1.0, 0.0, 1.0 } });
            streak = response.IsSuccessStatusCode ? streak + 1 : 0;
            return streak >= 10;
        }, TimeSpan.FromSeconds(30), "ten successful predictions in a row through the gateway");
    }

    [Fact]
    public async Task Redis_StartedByAppHost_AnswersPing()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", Platform.RedisPort());
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);

        Assert.StartsWith("+PONG", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }
}
