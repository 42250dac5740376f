using Maestro.AppHost.Lifecycle;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.AppHost.Tests.Lifecycle;

public sealed class CrashRestartPolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CrashRestartPolicy _policy;

    public CrashRestartPolicyTests() => _policy = new CrashRestartPolicy(_time);

    [Fact]
    public void Observe_RunningThenFinishedWithFailure_RestartsAfterOneSecond()
    {
        Assert.Null(_policy.Observe("worker-a", KnownResourceStates.Starting, null));
        Assert.Null(_policy.Observe("worker-a", KnownResourceStates.Running, null));

        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Observe("worker-a", KnownResourceStates.Finished, 137));
    }

    [Theory]
    [InlineData(0)]
    public void Observe_CleanExit_IsLeftAlone(int exitCode)
    {
        _policy.Observe("worker-a", KnownResourceStates.Running, null);

        Assert.Null(_policy.Observe("worker-a", KnownResourceStates.Finished, exitCode));
    }

    [Fact]
    public void Observe_FailedWithoutHavingRun_IsNotRestarted()
    {
        // A replica that never ran (FailedToStart, or a second Finished event) is not the crash of a running one.
        Assert.Null(_policy.Observe("worker-a", KnownResourceStates.FailedToStart, null));
        _policy.Observe("worker-a", KnownResourceStates.Running, null);
        Assert.NotNull(_policy.Observe("worker-a", KnownResourceStates.Exited, 1));
        Assert.Null(_policy.Observe("worker-a", KnownResourceStates.Exited, 1));
    }

    [Fact]
    public void Observe_CrashingRepeatedly_BackoffDoublesUpToThirtySeconds()
    {
        var backoffs = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            _policy.Observe("worker-a", KnownResourceStates.Running, null);
            _time.Advance(TimeSpan.FromSeconds(2));
            backoffs.Add(_policy.Observe("worker-a", KnownResourceStates.Finished, 134)!.Value.TotalSeconds);
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], backoffs);
    }

    [Fact]
    public void Observe_CrashAfterAStableRun_StartsOverAtOneSecond()
    {
        for (var i = 0; i < 3; i++)
        {
            _policy.Observe("worker-a", KnownResourceStates.Running, null);
            _policy.Observe("worker-a", KnownResourceStates.Finished, 1);
        }

        _policy.Observe("worker-a", KnownResourceStates.Running, null);
        _time.Advance(CrashRestartPolicy.StableRun);

        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Observe("worker-a", KnownResourceStates.Finished, 1));
    }

    [Fact]
    public void Observe_Replicas_AreCountedApart()
    {
        _policy.Observe("worker-a", KnownResourceStates.Running, null);
        _policy.Observe("worker-a", KnownResourceStates.Finished, 1);
        _policy.Observe("worker-a", KnownResourceStates.Running, null);
        _policy.Observe("worker-a", KnownResourceStates.Finished, 1);
        _policy.Observe("worker-b", KnownResourceStates.Running, null);

        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Observe("worker-b", KnownResourceStates.Finished, 1));
    }
}
