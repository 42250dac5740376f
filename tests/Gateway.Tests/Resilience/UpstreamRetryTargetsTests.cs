using Maestro.Gateway.Resilience;
using Yarp.ReverseProxy.Model;

namespace Maestro.Gateway.Tests.Resilience;

/// <summary>Where <see cref="UpstreamRetry"/> sends a request again, given what was available when it started.</summary>
public sealed class UpstreamRetryTargetsTests
{
    // A DestinationState is also a list of itself: compared by reference here, never as a sequence.
    private readonly DestinationState _dead = new("worker-dead");
    private readonly DestinationState _live = new("worker-live");

    [Fact]
    public void RetryTargets_TwoAvailableTwoInTheCluster_TheOtherOne()
    {
        var (targets, single) = UpstreamRetry.RetryTargets([_dead, _live], _dead, clusterDestinations: 2);

        Assert.Same(_live, Assert.Single(targets));
        Assert.False(single);
    }

    [Fact]
    public void RetryTargets_FailedOneUnlistedWhileItsRequestFailed_TheOtherOneNotTheSameAddress()
    {
        // The replica died and discovery took it out of the cluster before the failure was looked at: the
        // cluster has one destination left, but it is the live one, not the address that just failed.
        var (targets, single) = UpstreamRetry.RetryTargets([_dead, _live], _dead, clusterDestinations: 1);

        Assert.Same(_live, Assert.Single(targets));
        Assert.False(single);
    }

    [Fact]
    public void RetryTargets_TheClustersOnlyDestination_TheSameAddressOnAFreshConnection()
    {
        var (targets, single) = UpstreamRetry.RetryTargets([_live], _live, clusterDestinations: 1);

        Assert.Same(_live, Assert.Single(targets));
        Assert.True(single);
    }

    [Fact]
    public void RetryTargets_NoOtherAvailableButOthersInTheCluster_NoRetry()
    {
        // The other destination is out of rotation (unhealthy): the failed one is not tried twice either.
        var (targets, single) = UpstreamRetry.RetryTargets([_dead], _dead, clusterDestinations: 2);

        Assert.Empty(targets);
        Assert.False(single);
    }
}
