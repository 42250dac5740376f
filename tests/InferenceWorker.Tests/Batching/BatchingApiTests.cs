using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.InferenceWorker.Telemetry;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Tests.Batching;

/// <summary>
/// Dynamic batching as a client of the predict API sees it, against a real registry and ONNX Runtime.
/// The batching window runs on the worker's one clock, the host's <see cref="FakeTimeProvider"/>
/// (<see cref="WorkerHost.Time"/>): a window ends when a test advances it. Batch sizes are read from the <c>maestro.inference.batch.size</c> histogram, filtered by a model
/// name unique to each test (meters are process-wide).
/// </summary>
public sealed class BatchingApiTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<(string Model, int Rows)> _batchSizes = new();
    private readonly MeterListener _listener = new();

    public BatchingApiTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == WorkerTelemetry.Name && instrument.Name == "maestro.inference.batch.size")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, rows, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "model" && tag.Value is string model)
                {
                    _batchSizes.Enqueue((model, rows));
                }
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Predict_FiftyConcurrentClients_EachGetsItsOwnAnswerAndRunsAreMerged()
    {
        await using var host = CreateHost();
        const string model = "batching-mlp";
        await RegisterAsync(host, model, "mlp.onnx");
        var rows = Enumerable.Range(0, 50).Select(Row).ToArray();
        var direct = SampleSessions.Load("mlp.onnx");
        var alone = rows.Select(row => Predictor.Predict(direct, [row])[0]).ToArray();
        direct.Retire();

        var calls = rows.Select(row => Task.Run(() => host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = row }))).ToArray();
        var batcher = Batcher(host, model);
        await ModelBatcherTests.WaitUntil(() => BatchSizes(model).Length == 1 && batcher.QueuedRows == 50 - 32);
        host.Time.Advance(Window);
        var responses = await Task.WhenAll(calls);

        for (var i = 0; i < rows.Length; i++)
        {
            var body = await HttpAssert.OkJsonAsync(responses[i]);
            Assert.Equal(alone[i].Prediction, body.GetProperty("prediction").GetDouble());
            Assert.Equal(alone[i].Probability, body.GetProperty("probability").GetDouble(), 1e-6);
        }

        Assert.Equal(new[] { 18, 32 }, BatchSizes(model).Order());
    }

    [Fact]
    public async Task Predict_QueueFull_Answers503WithRetryAfter()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:MaxQueueLength"] = "1" });
        const string model = "batching-full";
        await RegisterAsync(host, model, "fraud-detector.onnx");

        var queued = host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = new[] { 1.0, 0, 1 } });
        var batcher = Batcher(host, model);
        await ModelBatcherTests.WaitUntil(() => batcher.QueuedRows == 1);
        var refused = await host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = new[] { 0.0, 0, 1 } });

        var detail = await HttpAssert.ProblemDetailAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("retry", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        host.Time.Advance(Window);
        Assert.Equal(0.8455348, (await HttpAssert.OkJsonAsync(await queued)).GetProperty("probability").GetDouble(), 1e-5);
    }

    [Fact]
    public async Task Predict_BatchingDisabled_EveryRunHasBatchSizeOne()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:Enabled"] = "false" });
        const string model = "batching-off";
        await RegisterAsync(host, model, "mlp.onnx");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(i) })));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(Enumerable.Repeat(1, 20), BatchSizes(model));
    }

    [Fact]
    public async Task Predict_DefaultConfiguration_EveryRequestRunsAloneWithoutWaiting()
    {
        // Only the window is configured (1 s on a clock that never moves): were batching on by default, these requests
        // would wait for it and never be answered.
        await using var host = new WorkerHost(new Dictionary<string, string>
        {
            ["Worker:Batching:RunWhenIdle"] = "false",
            ["Worker:Batching:MaxQueueDelay"] = Window.ToString(),
        });
        const string model = "batching-default";
        await RegisterAsync(host, model, "mlp.onnx");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(i) }))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(Enumerable.Repeat(1, 10), BatchSizes(model));
        Assert.False(Batcher(host, model).Settings.Enabled);
        Assert.Null(host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model)));
    }

    [Fact]
    public async Task Predict_BatchingOnForOneModelByName_OnlyThatModelMerges()
    {
        const string model = "batching-on-one";
        await using var host = CreateHost(new()
        {
            ["Worker:Batching:Enabled"] = "false",
            [$"Worker:Batching:Models:{model}:Enabled"] = "true",
        });
        await RegisterAsync(host, model, "mlp.onnx");
        await RegisterAsync(host, "batching-off-other", "mlp.onnx");

        var calls = Enumerable.Range(0, 5).Select(i => Task.Run(() => host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(i) }))).ToArray();
        var batcher = Batcher(host, model);
        await ModelBatcherTests.WaitUntil(() => batcher.QueuedRows == 5);
        host.Time.Advance(Window);

        Assert.All(await Task.WhenAll(calls), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(new[] { 5 }, BatchSizes(model));
        Assert.False(Batcher(host, "batching-off-other").Settings.Enabled);
    }

    [Fact]
    public async Task Predict_ModelTagTurnsBatchingOn_WhenTheConfigurationLeavesItOff()
    {
        const string model = "batching-tag-on";
        await using var host = CreateHost(new() { ["Worker:Batching:Enabled"] = "false" });
        await host.UploadAsync(model, "mlp.onnx");
        await host.SetTagAsync(model, BatchingTags.Enabled, "true");
        await RegisterAsync(host, model, "mlp.onnx", upload: false);

        Assert.True(Batcher(host, model).Settings.Enabled);
        Assert.NotNull(host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model)));
    }

    [Fact]
    public async Task Predict_BatchingDisabledForOneModel_ThatModelRunsAlone()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:Models:batching-off-one:Enabled"] = "false" });
        const string model = "batching-off-one";
        await RegisterAsync(host, model, "mlp.onnx");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(i) })));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(Enumerable.Repeat(1, 10), BatchSizes(model));
        Assert.Equal(1, Batcher(host, model).Settings.MaxBatchSize);
    }

    [Fact]
    public async Task Predict_PerModelMaxBatchSize_NoRunExceedsIt()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:Models:batching-four:MaxBatchSize"] = "4" });
        const string model = "batching-four";
        await RegisterAsync(host, model, "mlp.onnx");

        var calls = Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(i) }))).ToArray();
        var batcher = Batcher(host, model);
        await ModelBatcherTests.WaitUntil(() => BatchSizes(model).Length == 2 && batcher.QueuedRows == 2);
        host.Time.Advance(Window);
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(new[] { 2, 4, 4 }, BatchSizes(model).Order());
    }

    [Fact]
    public async Task V2Infer_FiftyConcurrentClients_EachGetsItsOwnOutputRowsAndRunsAreMerged()
    {
        await using var host = CreateHost();
        const string model = "batching-v2";
        await RegisterAsync(host, model, "mlp.onnx");
        // Requests of 1, 2 and 3 rows: each must get exactly its own rows of the output.
        var requests = Enumerable.Range(0, 50).Select(r => Enumerable.Range(r * 3, 1 + r % 3).Select(Row).ToArray()).ToArray();
        var direct = SampleSessions.Load("mlp.onnx");
        var expected = requests.Select(rows => rows.Select(row => RunAlone(direct, row)).ToArray()).ToArray();
        direct.Retire();

        var calls = requests.Select(rows => Task.Run(() => host.Client.PostAsJsonAsync($"/v2/models/{model}/infer", new
        {
            id = $"rows-{rows.Length}",
            inputs = new[] { new { name = "input", shape = new[] { rows.Length, 16 }, datatype = "FP32", data = rows.SelectMany(r => r).ToArray() } },
        }))).ToArray();
        var batcher = host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model));
        Assert.NotNull(batcher);
        var totalRows = requests.Sum(r => r.Length);
        await ModelBatcherTests.WaitUntil(() => BatchSizes(model).Sum() + batcher.QueuedRows == totalRows);
        host.Time.Advance(Window);
        var responses = await Task.WhenAll(calls);

        for (var r = 0; r < requests.Length; r++)
        {
            var body = await HttpAssert.OkJsonAsync(responses[r]);
            Assert.Equal($"rows-{requests[r].Length}", body.GetProperty("id").GetString());
            var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
            Assert.Equal(new long[] { requests[r].Length, 2 }, output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            var data = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var want = expected[r].SelectMany(row => row).ToArray();
            Assert.Equal(want.Length, data.Length);
            for (var i = 0; i < want.Length; i++)
            {
                Assert.Equal(want[i], data[i], 1e-6f);
            }
        }

        Assert.Contains(BatchSizes(model), size => size > 1);
        Assert.All(BatchSizes(model), size => Assert.InRange(size, 1, 32));
        Assert.Equal(totalRows, BatchSizes(model).Sum());
    }

    [Fact]
    public async Task V2Infer_ConcurrentRequestsOfFourDatatypes_MergedAndEachGetsItsOwnRows()
    {
        await using var host = CreateHost();
        const string model = "batching-multi-type";
        await RegisterAsync(host, model, "multi-type.onnx");
        object Body(int r) => new
        {
            inputs = new object[]
            {
                new { name = "a", shape = new[] { 1, 2 }, datatype = "FP64", data = new[] { r + 0.5, -r } },
                new { name = "b", shape = new[] { 1, 2 }, datatype = "INT64", data = new long[] { r * 1_000_000_000L, -r } },
                new { name = "c", shape = new[] { 1, 2 }, datatype = "INT32", data = new[] { r, r + 1 } },
                new { name = "flag", shape = new[] { 1, 2 }, datatype = "BOOL", data = new[] { r % 2 == 0, r % 3 == 0 } },
            },
        };

        var calls = Enumerable.Range(0, 8).Select(r => host.Client.PostAsJsonAsync($"/v2/models/{model}/infer", Body(r))).ToArray();
        var batcher = host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model));
        Assert.NotNull(batcher);
        await ModelBatcherTests.WaitUntil(() => batcher.QueuedRows == 8);
        host.Time.Advance(Window);
        var responses = await Task.WhenAll(calls);

        for (var r = 0; r < responses.Length; r++)
        {
            var outputs = (await HttpAssert.OkJsonAsync(responses[r])).GetProperty("outputs").EnumerateArray()
                .ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data"));
            Assert.Equal(new[] { (r + 0.5) * 2, -r * 2.0 }, outputs["a_out"].EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal(new[] { r * 1_000_000_000L + 1, -r + 1 }, outputs["b_out"].EnumerateArray().Select(v => v.GetInt64()));
            Assert.Equal(new[] { r * 3, (r + 1) * 3 }, outputs["c_out"].EnumerateArray().Select(v => v.GetInt32()));
            Assert.Equal(new[] { r % 2 != 0, r % 3 != 0 }, outputs["flag_out"].EnumerateArray().Select(v => v.GetBoolean()));
        }

        Assert.Equal(new[] { 8 }, BatchSizes(model));
    }

    [Fact]
    public async Task V2Infer_QueueFull_Answers503ErrorWithRetryAfter()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:MaxQueueLength"] = "1" });
        const string model = "batching-v2-full";
        await RegisterAsync(host, model, "fraud-detector.onnx");
        object Body(float first) => new { inputs = new[] { new { name = "features", shape = new[] { 1, 3 }, datatype = "FP32", data = new[] { first, 0f, 1f } } } };

        var queued = host.Client.PostAsJsonAsync($"/v2/models/{model}/infer", Body(1));
        var batcher = host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model));
        Assert.NotNull(batcher);
        await ModelBatcherTests.WaitUntil(() => batcher.QueuedRows == 1);
        var refused = await host.Client.PostAsJsonAsync($"/v2/models/{model}/infer", Body(0));

        await HttpAssert.V2ErrorAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        host.Time.Advance(Window);
        var output = (await HttpAssert.OkJsonAsync(await queued)).GetProperty("outputs")[0];
        Assert.Equal(0.8455348, output.GetProperty("data")[0].GetDouble(), 1e-5);
    }

    [Fact]
    public void Start_InvalidMaxBatchSize_FailsNamingTheSetting()
    {
        var error = Assert.ThrowsAny<Exception>(() => new WorkerHost(new Dictionary<string, string> { ["Worker:Batching:MaxBatchSize"] = "0" }));

        Assert.Contains("MaxBatchSize", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_LoneRequestWithRunWhenIdle_AnsweredWithoutWaitingForTheWindow()
    {
        await using var host = CreateHost(new() { ["Worker:Batching:RunWhenIdle"] = "true" });
        const string model = "batching-idle";
        await RegisterAsync(host, model, "mlp.onnx");

        // The batching clock never moves, so a request held for the window would never be answered.
        var response = await host.Client.PostAsJsonAsync($"/api/v1/models/{model}/predict", new { features = Row(0) });

        await HttpAssert.OkJsonAsync(response);
        Assert.Equal(new[] { 1 }, BatchSizes(model));
        Assert.Equal(1, Batcher(host, model).IdleRuns);
    }

    [Fact]
    public async Task Predict_RegistryTags_OverrideTheConfiguredBatching()
    {
        const string model = "batching-tagged";
        await using var host = CreateHost(new() { [$"Worker:Batching:Models:{model}:MaxBatchSize"] = "8" });
        var version = await host.UploadAsync(model, "mlp.onnx");
        await host.SetTagAsync(model, BatchingTags.MaxBatchSize, "4");
        await host.SetTagAsync(model, BatchingTags.MaxQueueDelayMs, "250", version);
        await RegisterAsync(host, model, "mlp.onnx", upload: false);

        var settings = Batcher(host, model).Settings;

        Assert.Equal(4, settings.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.MaxQueueDelay);
    }

    [Fact]
    public async Task V2Infer_VersionTagDisablesBatching_RunsAlone()
    {
        const string model = "batching-tag-off";
        await using var host = CreateHost();
        var version = await host.UploadAsync(model, "mlp.onnx");
        await host.SetTagAsync(model, BatchingTags.Enabled, "false", version);
        await RegisterAsync(host, model, "mlp.onnx", upload: false);

        Assert.Null(host.WorkerServices.GetRequiredService<ModelBatchers>().ForTensors(Loaded(host, model)));
    }

    [Fact]
    public async Task Predict_UnreadableTag_IgnoredAndConfigurationApplies()
    {
        const string model = "batching-bad-tag";
        await using var host = CreateHost();
        await host.UploadAsync(model, "mlp.onnx");
        await host.SetTagAsync(model, BatchingTags.MaxBatchSize, "lots");
        await RegisterAsync(host, model, "mlp.onnx", upload: false);

        Assert.Equal(32, Batcher(host, model).Settings.MaxBatchSize);
    }

    /// <summary>
    /// A host that batches every model (batching is off by default) and whose batching window (1 s) ends only when the test
    /// advances its clock. These tests pin the window itself, so a lone request waits for it too (<c>RunWhenIdle</c> off)
    /// unless a test turns that on.
    /// </summary>
    private WorkerHost CreateHost(Dictionary<string, string>? settings = null)
    {
        settings ??= [];
        settings.TryAdd("Worker:Batching:Enabled", "true");
        settings.TryAdd("Worker:Batching:RunWhenIdle", "false");
        settings.TryAdd("Worker:Batching:MaxQueueDelay", Window.ToString());
        return new WorkerHost(settings);
    }

    /// <summary>Registers the model and loads it (the health route loads without predicting).</summary>
    private static async Task RegisterAsync(WorkerHost host, string model, string file, bool upload = true)
    {
        if (upload)
        {
            await host.UploadAsync(model, file);
        }

        var health = await HttpAssert.OkJsonAsync(await host.Client.GetAsync($"/api/v1/models/{model}/health"));
        Assert.True(health.GetProperty("model_loaded").GetBoolean());
    }

    private static ModelBatcher<double[], (double Prediction, double Probability)> Batcher(WorkerHost host, string model) =>
        host.WorkerServices.GetRequiredService<ModelBatchers>().ForRows(Loaded(host, model), Predictor.Run);

    private static LoadedModel Loaded(WorkerHost host, string model)
    {
        var loaded = host.WorkerServices.GetRequiredService<ModelRepository>().Peek(model);
        Assert.NotNull(loaded);
        return loaded;
    }

    /// <summary>The model's output for one row, run alone through ONNX Runtime.</summary>
    private static float[] RunAlone(LoadedModel model, double[] row)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(row, v => (float)v), [1, row.Length]);
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, ["input"], [input], ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private int[] BatchSizes(string model) => _batchSizes.Where(b => b.Model == model).Select(b => b.Rows).ToArray();

    private static double[] Row(int i) => Enumerable.Range(0, 16).Select(j => Math.Cos(i * 16 + j) * 2).ToArray();
}
