using OpenTelemetry.Trace;

namespace Maestro.ServiceDefaults;

/// <summary>
/// The root decision of <see cref="TraceSamplingOptions"/>: the first <c>KeepPerSecond</c> new traces
/// of each second, then <c>SampleRatio</c> of the rest by trace id. Used under a
/// <see cref="ParentBasedSampler"/>, so it decides only for requests that start a trace.
/// </summary>
internal sealed class TraceSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);

    private readonly int _keepPerSecond;
    private readonly TraceIdRatioBasedSampler _ratio;
    private readonly TimeProvider _time;
    private long _second;
    private int _keptThisSecond;

    public TraceSampler(TraceSamplingOptions options, TimeProvider time)
    {
        _time = time;
        _keepPerSecond = options.KeepPerSecond;
        _ratio = new TraceIdRatioBasedSampler(options.SampleRatio);
        Description = $"TraceSampler{{keep {_keepPerSecond}/s, then {options.SampleRatio}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var second = _time.GetTimestamp() / _time.TimestampFrequency;
        if (Volatile.Read(ref _second) != second)
        {
            // A new second: whoever sees it first starts the count again (a race only keeps a few more).
            Interlocked.Exchange(ref _keptThisSecond, 0);
            Volatile.Write(ref _second, second);
        }

        return _keepPerSecond > 0 && Interlocked.Increment(ref _keptThisSecond) <= _keepPerSecond
            ? Keep
            : _ratio.ShouldSample(samplingParameters);
    }
}
