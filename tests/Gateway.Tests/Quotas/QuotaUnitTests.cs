using System.Text;
using Maestro.Gateway.Quotas;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>The small pieces: overrides, batch counting, option validation and the Redis circuit.</summary>
public sealed class QuotaUnitTests
{
    [Theory]
    [InlineData("120:10", 120, 10)]
    [InlineData("1:1", 1, 1)]
    public void TryParseOverride_WellFormed_ReadsPerMinuteAndBurst(string value, long perMinute, long burst)
    {
        Assert.True(QuotaLimit.TryParseOverride(value, out var limit));
        Assert.Equal(new QuotaLimit(QuotaLimit.CustomPolicy, perMinute, burst), limit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("120")]
    [InlineData("0:10")]
    [InlineData("10:0")]
    [InlineData("-5:10")]
    [InlineData("a:b")]
    [InlineData("99999999999:1")]
    public void TryParseOverride_Malformed_IsIgnored(string? value) => Assert.False(QuotaLimit.TryParseOverride(value, out _));

    [Theory]
    [InlineData("""{"requests": [{"features": [1, 2]}, {"features": [3]}, {"features": []}]}""", 3)]
    [InlineData("""{"model": {"requests": [1, 2]}, "requests": [[1, [2, 3]], {"a": {"b": [4]}}]}""", 2)]
    [InlineData("""{"requests": []}""", 0)]
    [InlineData("""{"requests": 5}""", 0)]
    [InlineData("""{"other": [1, 2, 3]}""", 0)]
    [InlineData("""[1, 2, 3]""", 0)]
    [InlineData("""{"requests": [1, 2""", 0)]
    [InlineData("not json", 0)]
    public void CountItems_Body_CountsTopLevelRequestsItems(string body, long expected) =>
        Assert.Equal(expected, BatchCost.CountItems(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Validate_BadPlans_NamesEachSetting()
    {
        var options = new QuotaOptions { DefaultPlan = "gold" };
        options.Plans["free"].Burst = 0;
        options.Plans[QuotaOptions.UnlimitedPlan] = new() { RequestsPerMinute = 1, Burst = 1 };

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:Quotas:Plans:free:Burst must be at least 1"));
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:Quotas:Plans:unlimited") && f.Contains("reserved"));
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:Quotas:DefaultPlan names 'gold'"));
    }

    [Fact]
    public void Validate_Defaults_Pass() => Assert.True(Validator().Validate(null, new QuotaOptions()).Succeeded);

    private static QuotaOptionsValidator Validator() => new();

    [Fact]
    public void Circuit_AfterFailure_SkipsRedisForTheBreakThenLetsOneCallTry()
    {
        var time = new FakeTimeProvider();
        var circuit = new RedisCircuit(time, TimeSpan.FromSeconds(5));
        Assert.True(circuit.TryEnter());

        circuit.Failed();
        Assert.False(circuit.TryEnter());
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(circuit.TryEnter());

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(circuit.TryEnter());
        Assert.False(circuit.TryEnter()); // one probe at a time

        circuit.Succeeded();
        Assert.True(circuit.TryEnter());
        Assert.True(circuit.TryEnter()); // closed: everyone may try
    }

    [Fact]
    public void Circuit_ProbeFails_OpensForAnotherBreak()
    {
        var time = new FakeTimeProvider();
        var circuit = new RedisCircuit(time, TimeSpan.FromSeconds(5));
        circuit.Failed();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(circuit.TryEnter());

        circuit.Failed();
        Assert.False(circuit.TryEnter());
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(circuit.TryEnter());
    }
}
