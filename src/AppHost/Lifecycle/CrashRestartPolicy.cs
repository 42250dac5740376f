namespace Maestro.AppHost.Lifecycle;

/// <summary>
/// When a replica that was running exits on its own with a failure, start it again after a backoff
/// that doubles from 1 s up to 30 s and starts over once a run lasted 30 s. Aspire shows a crashed
/// process as Finished or Exited and leaves it there; a serving platform brings it back.
/// </summary>
/// <remarks>
/// A clean exit (code 0: the dashboard's Stop, or a shutdown) is left alone, as is everything while
/// the AppHost itself stops. The decisions are pure so that tests drive them with a fake clock.
/// </remarks>
internal sealed class CrashRestartPolicy(TimeProvider time)
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableRun = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, ReplicaHistory> _replicas = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes a replica's new state; returns how long to wait before starting it again, or <c>null</c>
    /// when it is not to be restarted.
    /// </summary>
    public TimeSpan? Observe(string replicaId, string? state, int? exitCode)
    {
        if (!_replicas.TryGetValue(replicaId, out var history))
        {
            history = new ReplicaHistory();
            _replicas[replicaId] = history;
        }

        var previous = history.State;
        history.State = state;
        if (state == KnownResourceStates.Running)
        {
            if (previous != KnownResourceStates.Running)
            {
                history.RunningSince = time.GetUtcNow();
            }

            return null;
        }

        var crashed = previous == KnownResourceStates.Running
            && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished)
            && exitCode is not 0;
        if (!crashed)
        {
            return null;
        }

        var ran = time.GetUtcNow() - history.RunningSince;
        history.Failures = ran >= StableRun ? 1 : history.Failures + 1;
        var backoff = FirstBackoff * Math.Pow(2, history.Failures - 1);
        return backoff < MaxBackoff ? backoff : MaxBackoff;
    }

    private sealed class ReplicaHistory
    {
        public string? State { get; set; }

        public DateTimeOffset RunningSince { get; set; }

        public int Failures { get; set; }
    }
}
