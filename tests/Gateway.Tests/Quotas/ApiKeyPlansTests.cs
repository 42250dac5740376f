using Maestro.Gateway.Quotas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Tests.Quotas;

public sealed class ApiKeyPlansTests
{
    [Fact]
    public void Names_NoQuotaSection_FreeProAndUnlimited()
    {
        var plans = Plans([]);

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
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new OptionsMonitor<QuotaOptions>(
            new OptionsFactory<QuotaOptions>([], []), [], new OptionsCache<QuotaOptions>()));
}
