using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Maestro.InferenceWorker.Models;

/// <summary>The worker's own traces and metrics (exported by ServiceDefaults under the <c>Maestro.</c> prefix).</summary>
internal sealed class WorkerTelemetry : IDisposable
{
    public const string Name = "Maestro.InferenceWorker";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public WorkerTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Inferences = _meter.CreateCounter<long>("maestro.worker.inferences", description: "Model runs, by model and outcome.");
        InferenceDuration = _meter.CreateHistogram<double>("maestro.worker.inference.duration", unit: "s",
            description: "Time spent in ONNX Runtime per run.");
        ModelLoads = _meter.CreateCounter<long>("maestro.worker.model.loads", description: "Model versions loaded into ONNX Runtime.");
    }

    public Counter<long> Inferences { get; }

    public Histogram<double> InferenceDuration { get; }

    public Counter<long> ModelLoads { get; }

    public void Dispose() => _meter.Dispose();
}
