using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Maestro.InferenceWorker.Telemetry;

/// <summary>The worker's own traces and metrics (exported by ServiceDefaults under the <c>Maestro.</c> prefix).</summary>
internal sealed class WorkerTelemetry : IDisposable
{
    public const string Name = "Maestro.InferenceWorker";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public WorkerTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Requests = _meter.CreateCounter<long>("maestro.inference.requests",
            description: "Inference requests by model, API (predict, v2) and outcome (success, client_error, unavailable).");
        ComputeDuration = _meter.CreateHistogram<double>("maestro.inference.compute.duration", unit: "s",
            description: "Time spent in ONNX Runtime per run, by model.");
        ModelLoadDuration = _meter.CreateHistogram<double>("maestro.inference.model.load.duration", unit: "s",
            description: "Time to load a model version into ONNX Runtime.");
        BatchSize = _meter.CreateHistogram<int>("maestro.inference.batch.size", unit: "{row}",
            description: "Rows per ONNX Runtime run on the batched path, by model (1 when a request runs alone).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        QueueDuration = _meter.CreateHistogram<double>("maestro.inference.queue.duration", unit: "s",
            description: "Time a request waited in its model's batching queue before its run started, by model.");
        LoadedModels = _meter.CreateUpDownCounter<long>("maestro.inference.models.loaded", description: "Model versions currently loaded.");
    }

    public Counter<long> Requests { get; }

    public Histogram<double> ComputeDuration { get; }

    public Histogram<double> ModelLoadDuration { get; }

    public UpDownCounter<long> LoadedModels { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> QueueDuration { get; }

    /// <summary>Counts one request and, when it ran, the time ONNX Runtime took.</summary>
    public void Record(string model, string api, string outcome, TimeSpan? compute = null)
    {
        Requests.Add(1, new("model", model), new("api", api), new("outcome", outcome));
        if (compute is { } elapsed)
        {
            ComputeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));
        }
    }

    public void Dispose() => _meter.Dispose();
}
