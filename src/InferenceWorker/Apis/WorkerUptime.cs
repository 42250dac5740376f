namespace Maestro.InferenceWorker.Apis;

/// <summary>How long this worker has served, on its <see cref="TimeProvider"/>: the predict API's <c>uptime_seconds</c>.</summary>
internal sealed class WorkerUptime(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public double Seconds => time.GetElapsedTime(_started).TotalSeconds;
}
