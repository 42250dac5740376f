using System.ComponentModel.DataAnnotations;

namespace Maestro.ServiceDefaults;

/// <summary>
/// Which requests are traced, under <c>Telemetry:Traces</c>. A request that arrives with a trace
/// context follows its caller's decision (so one prediction is one whole trace or none, across the
/// gateway, the worker and the registry). A request that starts a trace is kept when it is among the
/// first <see cref="KeepPerSecond"/> of its second — so while people click around, every request is in
/// the dashboard — and beyond that with probability <see cref="SampleRatio"/>, so that load does not pay
/// for recording and exporting every span. The standard <c>OTEL_TRACES_SAMPLER</c> setting, when
/// present, replaces both.
/// </summary>
public sealed class TraceSamplingOptions
{
    public const string SectionName = "Telemetry:Traces";

    /// <summary>Traces kept per second before the ratio applies (default 10).</summary>
    [Range(0, 1_000_000)]
    public int KeepPerSecond { get; set; } = 10;

    /// <summary>The share of the rest that is kept, 0 to 1 (default 0.01).</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 0.01;
}
