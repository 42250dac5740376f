using Maestro.Gateway.Auth;
using Microsoft.Extensions.Configuration;

namespace Maestro.Gateway.Tests.Auth;

public sealed class ApiKeyPlansTests
{
    [Fact]
    public void Names_NoQuotaSection_FreeProAndUnlimited()
    {
        var plans = new ApiKeyPlans(new ConfigurationBuilder().Build());

        Assert.Equal(["free", "pro", "unlimited"], plans.Names);
    }

    [Fact]
    public void Names_PlansAsSections_ThoseAndUnlimited()
    {
        var plans = Plans(new()
        {
            ["Gateway:Quotas:Plans:basic:RequestsPerMinute"] = "60",
            ["Gateway:Quotas:Plans:gold:RequestsPerMinute"] = "6000",
        });

        Assert.True(plans.IsKnown("gold"));
        Assert.True(plans.IsKnown("basic"));
        Assert.True(plans.IsKnown("unlimited"));
        Assert.False(plans.IsKnown("free"));
        Assert.False(plans.IsKnown("Gold"));
    }

    [Fact]
    public void Names_PlansAsList_TheirNames()
    {
        var plans = Plans(new()
        {
            ["Gateway:Quotas:Plans:0:Name"] = "starter",
            ["Gateway:Quotas:Plans:1:Name"] = "scale",
        });

        Assert.Equal(["starter", "scale", "unlimited"], plans.Names);
    }

    private static ApiKeyPlans Plans(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
