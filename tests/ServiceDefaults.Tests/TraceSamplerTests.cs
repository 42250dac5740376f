using System.Diagnostics;
using Maestro.ServiceDefaults;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>Which new traces are kept: the first few of each second, then the configured share.</summary>
public sealed class TraceSamplerTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void ShouldSample_MoreThanKeptPerSecond_FirstOnesKeptRestByRatioUntilTheNextSecond()
    {
        var sampler = new TraceSampler(new TraceSamplingOptions { KeepPerSecond = 3, SampleRatio = 0 }, _clock);

        Assert.Equal([true, true, true, false, false], Decide(sampler, 5));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([true, true, true, false], Decide(sampler, 4));
    }

    [Fact]
    public void ShouldSample_RatioOne_KeepsEverything()
    {
        var sampler = new TraceSampler(new TraceSamplingOptions { KeepPerSecond = 0, SampleRatio = 1 }, _clock);

        Assert.All(Decide(sampler, 50), Assert.True);
    }

    [Fact]
    public void ShouldSample_TenPercentOfManyTraces_KeepsAboutThat()
    {
        var sampler = new TraceSampler(new TraceSamplingOptions { KeepPerSecond = 0, SampleRatio = 0.1 }, _clock);

        var kept = Decide(sampler, 10_000).Count(keep => keep);

        Assert.InRange(kept, 800, 1_200); // by trace id, so random ids give about a tenth
    }

    [Fact]
    public void ParentBased_CallerDecided_FollowsTheCaller()
    {
        var sampler = new ParentBasedSampler(new TraceSampler(new TraceSamplingOptions { KeepPerSecond = 1000, SampleRatio = 1 }, _clock));
        var unsampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        var decision = sampler.ShouldSample(new SamplingParameters(unsampledParent, unsampledParent.TraceId, "POST", ActivityKind.Server));

        Assert.Equal(SamplingDecision.Drop, decision.Decision);
    }

    private static bool[] Decide(Sampler sampler, int traces) =>
        [.. Enumerable.Range(0, traces).Select(_ =>
        {
            var trace = ActivityTraceId.CreateRandom();
            return sampler.ShouldSample(new SamplingParameters(default, trace, "GET /", ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample;
        })];
}
