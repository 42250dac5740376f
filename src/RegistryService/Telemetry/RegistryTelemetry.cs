using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Maestro.RegistryService.Telemetry;

/// <summary>The registry's own traces and metrics (exported by ServiceDefaults under the <c>Maestro.</c> prefix).</summary>
internal sealed class RegistryTelemetry : IDisposable
{
    public const string Name = "Maestro.RegistryService";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public RegistryTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Uploads = _meter.CreateCounter<long>("maestro.registry.uploads",
            description: "Model uploads by outcome (accepted, invalid_model, too_large, bad_request).");
        UploadedBytes = _meter.CreateCounter<long>("maestro.registry.uploaded", unit: "By", description: "Bytes of accepted model files.");
        StageTransitions = _meter.CreateCounter<long>("maestro.registry.stage.transitions", description: "Stage changes by target stage.");
    }

    public Counter<long> Uploads { get; }

    public Counter<long> UploadedBytes { get; }

    public Counter<long> StageTransitions { get; }

    public void Upload(string outcome) => Uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
