using System.Net;
using System.Text;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>
/// What an operator sees of inference traffic on the worker's <c>/metrics</c>. The model has a name of
/// its own: meters are process-wide, and other test classes run workers in this process at the same time.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class WorkerMetricsTests : IAsyncLifetime
{
    private readonly WorkerHost _host = new();

    public async Task InitializeAsync()
    {
        var version = await _host.UploadAsync("metrics-probe", "fraud-detector.onnx");
        await _host.TransitionAsync("metrics-probe", version, "Production");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterRequests_CountsThemByModelApiAndOutcome()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/v1/models/metrics-probe/predict", """{"features": [1, 0, 1]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("/api/v1/models/metrics-probe/predict", """{"features": [0, 0, 1]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("/api/v1/models/metrics-probe/predict", """{"features": [1, 0]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("/v2/models/metrics-probe/infer",
            """{"inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [1, 0, 1]}]}""")).StatusCode);

        var metrics = await _host.Client.GetStringAsync("/metrics");

        Assert.Equal(2, Single(metrics, "maestro_inference_requests_total", "api=\"predict\"", "model=\"metrics-probe\"", "outcome=\"success\""));
        Assert.Equal(1, Single(metrics, "maestro_inference_requests_total", "api=\"predict\"", "model=\"metrics-probe\"", "outcome=\"client_error\""));
        Assert.Equal(1, Single(metrics, "maestro_inference_requests_total", "api=\"v2\"", "model=\"metrics-probe\"", "outcome=\"success\""));
        Assert.Equal(3, Single(metrics, "maestro_inference_compute_duration_seconds_count", "model=\"metrics-probe\""));
        Assert.Equal(1, Single(metrics, "maestro_inference_models_loaded", "model=\"metrics-probe\""));
        Assert.Equal(1, Single(metrics, "maestro_inference_model_load_duration_seconds_count", "model=\"metrics-probe\""));
    }

    private Task<HttpResponseMessage> Post(string path, string json) =>
        _host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static double Single(string metrics, string metric, params string[] labels) =>
        Assert.Single(PrometheusText.Samples(metrics, metric, labels));
}
